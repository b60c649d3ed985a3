"""Identifiers with a shape: phone numbers, ID-card numbers, e-mail, WeChat and QQ ids, licence
plates, street addresses. Each is found in any spacing a fieldworker types them with.

Regular expressions only (no segmenter): an anonymised export runs these over every text it
writes, so they must cost a pass of `re` per pattern. Full-width digits and separators (１３５－…,
typed with a Chinese IME) are matched through a same-length ASCII copy of the text, so positions
stay those of the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

PHONE, LANDLINE, ID_CARD, EMAIL, WECHAT, QQ, PLATE, ADDRESS = (
    "phone",
    "landline",
    "id_card",
    "email",
    "wechat",
    "qq",
    "plate",
    "address",
)
KINDS = (PHONE, LANDLINE, ID_CARD, EMAIL, WECHAT, QQ, PLATE, ADDRESS)

_SEP = r"[ \-.\u00a0]?"  # one optional separator between digits: "135 1111 2222", "135-1111-2222"
_D = r"(?<![0-9A-Za-z])"  # not glued to a longer number or word
_E = r"(?![0-9A-Za-z])"
_PATTERNS: dict[str, re.Pattern[str]] = {
    # ASCII classes, not \w: a Chinese character before or after (邮箱chen@…) is no part of the address
    EMAIL: re.compile(
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
    ),
    ID_CARD: re.compile(
        _D + r"[1-9]\d{5}" + _SEP + r"(?:18|19|20)\d{2}" + _SEP + r"\d{4}" + _SEP + r"\d{3}[0-9Xx]" + _E
    ),
    PHONE: re.compile(_D + r"(?:\+?86" + _SEP + r")?1" + _SEP + r"[3-9](?:" + _SEP + r"\d){9}" + _E),
    # 028-8765 4321, (028) 87654321, 0288-7654321: an area code, then 7 or 8 digits
    LANDLINE: re.compile(_D + r"(?:\(0\d{2,3}\)|0\d{2,3})" + r"[ \-.]?" + r"[2-9]\d{2,3}" + _SEP + r"\d{4}" + _E),
    # after the word that names it: the id itself is the identifier
    WECHAT: re.compile(
        r"(?P<wxid>wxid_[A-Za-z0-9]{6,30})"
        r"|(?:微信|weixin|WeChat|wechat|vx|VX)号?\s*(?:id|ID)?\s*[:：是为]?\s*(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"
    ),
    QQ: re.compile(r"(?:QQ|qq|Qq)号?(?:码)?\s*[:：是为]?\s*(?P<id>[1-9]\d{4,10})(?!\d)"),
    PLATE: re.compile(
        r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•\- ]?[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])"
    ),
    # a street and its number (天府大道北段1700号, 西园路8号3栋2单元), or a building and unit alone
    ADDRESS: re.compile(
        r"(?:(?:(?![在住到于从往去至是的和与及近旁位])[\u4e00-\u9fff]){2,5}(?:路|街|大道|巷|大街)(?:[东西南北中]段)?[0-9一二三四五六七八九十百]+号(?:院)?"
        r"(?:[0-9一二三四五六七八九十]+(?:栋|幢|号楼))?(?:[0-9一二三四五六七八九十]+单元)?(?:[0-9]+(?:室|号|楼|层))?"
        r"|[0-9一二三四五六七八九十]+(?:栋|幢|号楼)[0-9一二三四五六七八九十]+单元(?:[0-9]+(?:室|号))?)"
    ),
}
# full-width digits, letters and separators, and the ideographic space: each maps to one ASCII character
_ASCII = str.maketrans(
    {**{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}, "\u3000": " ", "－": "-", "—": "-", "–": "-"}
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int
    text: str


def id_checksum_ok(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check digit of a mainland resident ID (GB 11643)."""
    digits = [c for c in number if c not in " -.\u00a0"]
    if len(digits) != 18 or not all(c.isdigit() for c in digits[:17]):
        return False
    total = sum(int(c) * w for c, w in zip(digits[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == digits[17].upper()


def find(text: str) -> Iterator[Hit]:
    """Every identifier in `text`, left to right, none overlapping (the first kind in KINDS order
    wins: an ID number holds a phone-like run of digits)."""
    if not text:
        return
    plain = text.translate(_ASCII)
    taken: list[tuple[int, int]] = []
    hits: list[Hit] = []
    for kind in (EMAIL, ID_CARD, WECHAT, QQ, PHONE, LANDLINE, PLATE, ADDRESS):
        for match in _PATTERNS[kind].finditer(plain):
            group: int | str = 0
            if kind in (WECHAT, QQ):
                group = "id" if match.group("id") else "wxid"
            start, end = match.span(group)
            if kind == ID_CARD and not id_checksum_ok(plain[start:end]):
                continue
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            hits.append(Hit(kind, start, end, text[start:end]))
    hits.sort(key=lambda h: h.start)
    yield from hits
