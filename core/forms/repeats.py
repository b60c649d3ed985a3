"""Repeat groups: how the answers of each instance are keyed, and the list of a repeat's instances.

A repeated question records one answer per instance under the key `question#instance`, where the
instance id is random and made once, on the device that added the instance. Ids are stable: an
instance keeps its id when others are removed or moved, so two versions of an interview (from two
devices, or before and after a revision) compare instance by instance, and every answer, audit row,
comment and coding of an instance names it whatever its position. The repeat's own row holds the
list of its instances in the order the fieldworker put them (space-separated ids), saved and audited
like any answer.
"""

from __future__ import annotations

import re
import secrets

INSTANCE_SEPARATOR = "#"  # not allowed in an XLSForm name, so a key never collides with a question
MAX_INSTANCES = 500  # a repeat_count beyond this is read as this: a typo must not make 10^9 rows

_INSTANCE = re.compile(r"[0-9a-z]{4,32}")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def valid_instance(text: str) -> bool:
    return _INSTANCE.fullmatch(text) is not None


def new_instance() -> str:
    """A fresh instance id: 10 random characters (51 bits), unique among an interview's instances."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def key(question: str, instance: str) -> str:
    return f"{question}{INSTANCE_SEPARATOR}{instance}"


def split(answer_key: str) -> tuple[str, str | None]:
    """('org_name', 'k3f9…') for a repeated question's key, (name, None) for any other."""
    name, _, instance = answer_key.partition(INSTANCE_SEPARATOR)
    return name, instance or None


def instances(stored: object) -> list[str]:
    """A repeat's stored list of instances, in order (a damaged entry is left out, never raised)."""
    if not isinstance(stored, str):
        return []
    seen: dict[str, None] = {}
    for item in stored.split():
        if valid_instance(item):
            seen.setdefault(item, None)
            if len(seen) == MAX_INSTANCES:
                break  # no list this app writes is longer; a damaged one is cut, never a hang
    return list(seen)


def well_formed(stored: object) -> bool:
    """Whether a repeat's stored list is one this app could have written: distinct valid ids, at most
    MAX_INSTANCES of them (a package carrying anything else is refused)."""
    if stored is None:
        return True
    if not isinstance(stored, str):
        return False
    ids = stored.split(" ")
    return len(ids) <= MAX_INSTANCES and len(set(ids)) == len(ids) and all(valid_instance(i) for i in ids)


def stored_list(ids: list[str] | tuple[str, ...]) -> str | None:
    """The value a repeat's row stores for these instances (None: it has none)."""
    return " ".join(ids) or None
