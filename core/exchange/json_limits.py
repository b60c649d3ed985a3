"""Checks that make JSON from an untrusted file safe to parse and to store: nesting depth is
measured before parsing (a 200,000-deep array exhausts Python's recursion), and the parsed values
must fit SQLite (64-bit integers, finite numbers, valid Unicode)."""

from __future__ import annotations

import math
import re
from typing import Any

_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_JSON_STRING = re.compile(rb'"[^"]*"')
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth_exceeds(data: bytes, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `limit` (within a factor of
    2: True is certain, False guarantees at most 2 x limit). Linear in the size and run in C:
    escapes, then strings, then everything but brackets are removed, and each pass removes every
    innermost pair, so at least one level."""
    brackets = _JSON_STRING.sub(b"", _JSON_ESCAPE.sub(b"", data)).translate(None, _NOT_A_BRACKET)
    for _ in range(limit):
        if not brackets:
            return False
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(brackets):  # unbalanced: not JSON at all, refused either way
            return len(brackets) > limit
        brackets = shorter
    return bool(brackets)


_INT64 = (-(1 << 63), (1 << 63) - 1)


def storable(value: Any) -> bool:
    """Every string valid UTF-8, every integer an SQLite integer, every float finite. It recurses per
    level: call it on what passed `json_depth_exceeds`."""
    if isinstance(value, str):
        return utf8(value)
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return _INT64[0] <= value <= _INT64[1]
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(storable(item) for item in value)
    if isinstance(value, dict):
        return all(utf8(key) and storable(item) for key, item in value.items())
    return False


def utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
