"""Text that can go into an Excel cell safely: never a formula, never XML that no reader can open.

Every text a workbook written by Yingzao holds came from somewhere the app does not control (an
answer, a file name, a package's manifest). openpyxl turns a string that begins with "=" into a live
formula (so `=HYPERLINK(...)` in a fieldworker's name becomes a link in the researcher's Excel), and
it writes characters XML 1.0 forbids (U+FFFE, lone surrogates, ...) into sheet XML that then cannot
be opened at all. Pass every text cell through `cell_text` before it is written.
"""

from __future__ import annotations

import re

# XML 1.0's Char production allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF];
# everything else (C0 controls, lone surrogates, U+FFFE, U+FFFF) makes the sheet XML ill-formed.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

REPLACEMENT = "\ufffd"  # shows the reader that something was there, unlike silent deletion

# openpyxl stores these exact strings as error cells rather than text.
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})

# An apostrophe is what Excel users type themselves to keep "=..." as text, so it reads as intended.
TEXT_PREFIX = "'"


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced by U+FFFD."""
    if not isinstance(text, str):
        text = str(text)
    return _FORBIDDEN.sub(REPLACEMENT, text)


def has_forbidden(text: str) -> bool:
    """Whether `text` holds a character XML 1.0 forbids (one C scan: a whole row's texts at once)."""
    return _FORBIDDEN.search(text) is not None


def cell_text(value: str) -> str:
    """`value` as it must be written into a text cell: XML-safe, and stored as a string even when it
    looks like a formula or an Excel error code."""
    text = xml_safe(value)
    if (len(text) > 1 and text.startswith("=")) or text in _ERROR_CODES:
        return TEXT_PREFIX + text
    return text
