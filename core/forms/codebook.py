"""The paper's coding frame, read from `forms/codebook.csv` and checked before use.

The codebook is a CSV file (UTF-8 with BOM) so a researcher can edit it in Excel or WPS and a
reviewer can read each change as a one-line diff.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from yingzao.core.errors import CodebookError, Problem, Text, cannot_read

# family id -> (label_zh, label_en, STUDY.md family number)
FAMILIES: dict[str, tuple[str, str, int]] = {
    "dimension": ("营造维度", "Dimensions of community building", 1),
    "actor": ("动力机制", "Driving forces / actors", 2),
    "factor": ("精细化治理影响因素", "Influencing factors of fine governance", 3),
    "scene": ("治理场景与目标", "Governance scenes and goals", 4),
    "mode": ("建设模式", "Construction modes", 5),
    "unit": ("产业空间基层单元", "Basic units of industrial space", 6),
    "resource": ("人、文、地、产、景", "Five resources of community building", 7),
    "strategy": ("案例策略", "Case strategies", 8),
    "emergent": ("涌现编码", "Emergent codes", 9),  # inductive codes a researcher adds from the field
}
INTERVIEW_FAMILIES = ("dimension", "actor", "factor")  # every interview protocol must cover these
# Table 1's comparison axes (空间布局, 管理组织, 国家治理单元, 居民生活空间): an interview protocol asks about
# each axis a respondent of its role can speak to, or says on its not_asked sheet why not
TABLE1_AXES = "UNIT.AXIS."
COLUMNS = ("id", "family", "parent", "label_zh", "label_en", "definition_zh", "definition_en", "source", "status")
# written by `codebook --out` and read when present: a code's colour, and the code a merged one became
OPTIONAL_COLUMNS = ("colour", "merged_into")
# unrecovered: its child codes cannot be read in the source; retired: no longer applied, its codings
# stay; merged: its codings moved to `merged_into`, its id still resolves there
STATUSES = ("", "unrecovered", "retired", "merged")
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{6})?$")
_ID = re.compile(r"^[A-Z][A-Z0-9]*(\.[A-Z0-9]+)*$")


@dataclass(frozen=True)
class Code:
    id: str
    family: str
    parent: str
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str
    source: str
    status: str = ""
    colour: str = ""
    merged_into: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_zh

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" and self.definition_en else self.definition_zh

    @property
    def unrecovered(self) -> bool:
        return self.status == "unrecovered"

    @property
    def codable(self) -> bool:
        """Whether new codings may use it (retired and merged codes keep theirs)."""
        return self.status not in ("retired", "merged")


class Codebook:
    def __init__(self, codes: list[Code]) -> None:
        self.codes = tuple(codes)
        self._by_id = {code.id: code for code in codes}

    def has(self, code_id: str) -> bool:
        return code_id in self._by_id

    def get(self, code_id: str) -> Code:
        return self._by_id[code_id]

    def family(self, family: str) -> tuple[Code, ...]:
        return tuple(code for code in self.codes if code.family == family)

    def top_level(self, family: str) -> tuple[Code, ...]:
        return tuple(code for code in self.family(family) if not code.parent)

    def children(self, code_id: str) -> tuple[Code, ...]:
        return tuple(code for code in self.codes if code.parent == code_id)

    def ancestors(self, code_id: str) -> tuple[str, ...]:
        chain: list[str] = []
        parent = self._by_id[code_id].parent if code_id in self._by_id else ""
        while parent and parent not in chain:
            chain.append(parent)
            parent = self._by_id[parent].parent if parent in self._by_id else ""
        return tuple(chain)


def table1_axes(codebook: Codebook) -> tuple[str, ...]:
    """The most specific axis codes of Table 1 (an axis split in two counts as its two halves)."""
    axes = [code for code in codebook.codes if code.id.startswith(TABLE1_AXES) and code.codable]
    return tuple(code.id for code in axes if not codebook.children(code.id))


def load_codebook(path: Path) -> Codebook:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise CodebookError(path, [Problem(path.name, "codebook", None, cannot_read(error))]) from error
    except UnicodeDecodeError as error:
        raise CodebookError(
            path,
            [
                Problem(
                    path.name,
                    "codebook",
                    None,
                    Text(
                        "不是 UTF-8 文本；请在 Excel 中用“另存为”>“CSV UTF-8”保存。",
                        "is not UTF-8 text; in Excel use 'Save As' > 'CSV UTF-8'.",
                    ),
                )
            ],
        ) from error
    return parse_codebook(text, path.name)


def parse_codebook(text: str, file_name: str = "codebook.csv") -> Codebook:
    problems: list[Problem] = []

    def add(row: int | None, message: Text, column: str | None = None) -> None:
        problems.append(Problem(file_name, "codebook", row, message, column))

    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        add(
            1,
            Text(
                f"缺少列 {', '.join(missing)}；表头必须是 {','.join(COLUMNS)}。",
                f"missing column(s) {', '.join(missing)}; the header must be {','.join(COLUMNS)}.",
            ),
        )
        raise CodebookError(file_name, problems)
    codes: list[Code] = []
    rows: dict[str, int] = {}
    for row_number, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        code = Code(**{column: row.get(column, "") for column in COLUMNS + OPTIONAL_COLUMNS})
        if not _ID.match(code.id):
            add(
                row_number,
                Text(
                    f"id“{code.id}”必须由大写字母和数字组成、以点分隔，例如 DIM.ORG。",
                    f"id '{code.id}' must be upper-case letters and digits separated by dots, e.g. DIM.ORG.",
                ),
                "id",
            )
        elif code.id in rows:
            add(
                row_number,
                Text(
                    f"id“{code.id}”已在第 {rows[code.id]} 行使用；id 不能重复。",
                    f"id '{code.id}' is already used on row {rows[code.id]}; ids must be unique.",
                ),
                "id",
            )
        if code.family not in FAMILIES:
            add(
                row_number,
                Text(
                    f"family“{code.family}”不是 {', '.join(FAMILIES)} 之一。",
                    f"family '{code.family}' is not one of {', '.join(FAMILIES)}.",
                ),
                "family",
            )
        for column in ("label_zh", "label_en"):
            if not getattr(code, column):
                add(
                    row_number,
                    Text(f"编码“{code.id}”的 {column} 是空的。", f"code '{code.id}' has an empty {column}."),
                    column,
                )
        if code.status not in STATUSES:
            add(
                row_number,
                Text(
                    f"status“{code.status}”必须为空或 unrecovered、retired、merged 之一。",
                    f"status '{code.status}' must be empty or one of unrecovered, retired, merged.",
                ),
                "status",
            )
        if not _COLOUR.match(code.colour):
            add(
                row_number,
                Text(
                    f"colour“{code.colour}”必须为空或形如 #1f77b4 的颜色。",
                    f"colour '{code.colour}' must be empty or a colour like #1f77b4.",
                ),
                "colour",
            )
        if (code.status == "merged") != bool(code.merged_into):
            add(
                row_number,
                Text(
                    f"编码“{code.id}”：status 为 merged 时必须填写 merged_into，反之亦然。",
                    f"code '{code.id}': merged_into is needed exactly when status is merged.",
                ),
                "merged_into",
            )
        rows.setdefault(code.id, row_number)
        codes.append(code)
    by_id = {code.id: code for code in codes}
    for code in codes:
        if code.merged_into and code.merged_into not in by_id:
            add(
                rows[code.id],
                Text(
                    f"“{code.id}”的 merged_into“{code.merged_into}”不是本文件中的编码。",
                    f"merged_into '{code.merged_into}' of '{code.id}' is not a code in this file.",
                ),
                "merged_into",
            )
        if not code.parent:
            continue
        parent = by_id.get(code.parent)
        if parent is None:
            add(
                rows[code.id],
                Text(
                    f"“{code.id}”的 parent“{code.parent}”不是本文件中的编码。",
                    f"parent '{code.parent}' of '{code.id}' is not a code in this file.",
                ),
                "parent",
            )
        elif parent.family != code.family:
            add(
                rows[code.id],
                Text(
                    f"“{code.id}”属于 {code.family}，但它的 parent“{parent.id}”属于 {parent.family}。",
                    f"'{code.id}' is in family {code.family} but its parent '{parent.id}' is in {parent.family}.",
                ),
                "parent",
            )
        elif _has_cycle(code.id, by_id):
            add(
                rows[code.id],
                Text(
                    f"“{code.id}”是它自己的上级；请修改 parent 列。",
                    f"'{code.id}' is its own ancestor; fix the parent column.",
                ),
                "parent",
            )
    if problems:
        raise CodebookError(file_name, problems)
    return Codebook(codes)


def _has_cycle(code_id: str, by_id: dict[str, Code]) -> bool:
    seen = {code_id}
    parent = by_id[code_id].parent
    while parent in by_id:
        if parent in seen:
            return True
        seen.add(parent)
        parent = by_id[parent].parent
    return False


def codebook_csv(codes: Iterable[Code]) -> str:
    """The codes in the format of forms/codebook.csv (UTF-8 with BOM when written as bytes), so a
    codebook grown in the field can be shipped back into forms/."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS + OPTIONAL_COLUMNS)
    for code in codes:
        writer.writerow([getattr(code, column) for column in COLUMNS + OPTIONAL_COLUMNS])
    return out.getvalue()
