"""Import a codebook from another tool or study: a REFI-QDA codebook (`.qdc`) or a CSV in the format of
forms/codebook.csv, added to the database's codebook.

    report = import_codebook(store, path)

Each code in the file is matched to one of the database's codes by GUID (Yingzao's codes have stable
GUIDs, `core/guids.py`; a CSV's ids give them), then by name (either label, case and spaces aside).
A matched code is left as it is; where the file gives it another name (a GUID match) or another
parent, that is reported as a conflict, never applied. A code that matches nothing is added through
`add_code`, nested under its parent (in the parent's family; a code at the top of a foreign tree goes
to `emergent`). The whole import is one transaction: a file refused, or a code that cannot be added,
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from yingzao.core import errors
from yingzao.core.coding.codebook import (
    ResearchCodebook,
    add_code,
    code_guid,
    new_code_id,
    research_codebook,
    retire_code,
)
from yingzao.core.errors import Text
from yingzao.core.exchange.qdpx_read import read_qdc
from yingzao.core.forms.codebook import FAMILIES, Code, parse_codebook
from yingzao.core.store.database import Store

_ROOTS = {code_guid(f"FAMILY.{family.upper()}"): family for family in FAMILIES}  # the .qdc's family roots


@dataclass(frozen=True)
class _Foreign:
    """A code as the file gives it."""

    guid: str
    parent: str | None  # the parent's guid
    label_zh: str
    label_en: str
    definition_zh: str = ""
    definition_en: str = ""
    colour: str = ""
    codable: bool = True
    code_id: str = ""  # a CSV's id
    family: str = ""  # a CSV's family

    @property
    def name(self) -> str:
        return self.label_zh or self.label_en


@dataclass(frozen=True)
class Conflict:
    code_id: str  # the database's code
    name: str  # as the file names it
    what: str  # 'name', 'parent' or 'ambiguous'
    detail: str = ""


@dataclass
class ImportReport:
    path: Path
    added: list[Code] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # the database's code ids
    conflicts: list[Conflict] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            str(
                Text(
                    f"{self.path.name}：新增 {len(self.added)} 个代码，匹配 {len(self.matched)} 个，"
                    f"冲突 {len(self.conflicts)} 个",
                    f"{self.path.name}: {len(self.added)} code(s) added, {len(self.matched)} matched, "
                    f"{len(self.conflicts)} in conflict",
                )
            )
        ]
        lines += [str(Text(f"  新增 {c.id} {c.label_zh}", f"  added {c.id} {c.label_en}")) for c in self.added]
        for conflict in self.conflicts:
            lines.append("  " + str(_conflict_text(conflict)))
        return lines


def _conflict_text(conflict: Conflict) -> Text:
    code, name, detail = conflict.code_id, conflict.name, conflict.detail
    if conflict.what == "name":
        return Text(
            f"冲突 {code}：文件中名为“{name}”，数据库中为“{detail}”（未更改）",
            f"conflict {code}: named '{name}' in the file, '{detail}' here (not changed)",
        )
    if conflict.what == "parent":
        return Text(
            f"冲突 {code}“{name}”：文件中的上级为“{detail}”，与数据库不同（未移动）",
            f"conflict {code} '{name}': its parent in the file is '{detail}', not the one here (not moved)",
        )
    return Text(
        f"冲突“{name}”：与多个代码同名（{detail}），未导入",
        f"conflict '{name}': the name of several codes ({detail}); not imported",
    )


def import_codebook(store: Store, path: Path | str, lang: str = "zh") -> ImportReport:
    path = Path(path)
    foreign = _read(path)
    report = ImportReport(path)
    with store.transaction():
        book = research_codebook(store)
        by_name = _names(book)
        # what each of the file's GUIDs stands for here: a code id, or a family root as 'FAMILY:<family>'
        here: dict[str, str] = {}
        names = {f.guid: f.name for f in foreign}
        guids_here = {code_guid(code.id): code.id for code in book.codes}
        for code in foreign:
            if code.guid in _ROOTS or _root_named(code.name) is not None:
                here[code.guid] = f"FAMILY:{_ROOTS.get(code.guid) or _root_named(code.name)}"
                continue
            found = guids_here.get(code.guid)  # a merged code matches itself: its GUID is still its own
            if found is not None:
                ours = book.get(found)
                if _key(code.name) not in (_key(ours.label_zh), _key(ours.label_en)):
                    report.conflicts.append(Conflict(found, code.name, "name", ours.label(lang)))
            else:
                candidates = by_name.get(_key(code.name), [])
                if len(candidates) > 1:
                    report.conflicts.append(Conflict("", code.name, "ambiguous", ", ".join(candidates)))
                    continue
                found = candidates[0] if candidates else None
            if found is not None:
                here[code.guid] = found
                report.matched.append(found)
                claimed = here.get(code.parent) if code.parent else None
                if code.parent and claimed is None:
                    claimed = "?"  # a parent the file has and this codebook has not
                if claimed is not None and claimed != _parent_here(book, found):
                    report.conflicts.append(Conflict(found, code.name, "parent", names.get(code.parent or "", "")))
                continue
            parent = here.get(code.parent) if code.parent else None
            family, parent_id = _place(book, code, parent)
            added = add_code(
                store,
                book,
                family=family,
                label_zh=code.label_zh,
                label_en=code.label_en,
                parent=parent_id,
                definition_zh=code.definition_zh,
                definition_en=code.definition_en,
                colour=code.colour if _colour_ok(code.colour) else "",
                code_id=_new_id(book, code, family),
            )
            if not code.codable:  # a folder of codes in the other tool: kept, not offered for coding
                added = retire_code(store, ResearchCodebook([*book.codes, added], book.aliases), added.id)
            book = ResearchCodebook([*book.codes, added], book.aliases)
            here[code.guid] = added.id
            report.added.append(added)
    return report


def _read(path: Path) -> list[_Foreign]:
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        return [_from_qdc(c.guid, c.parent, c.name, c.description, c.colour or "", c.codable) for c in read_qdc(path)]
    if suffix == ".csv":
        try:
            data = path.read_bytes()
        except OSError as error:
            raise errors.codebook_import_unreadable(path, error) from error
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise errors.codebook_import_refused(path, Text("不是 UTF-8 文本", "it is not UTF-8 text")) from error
        book = parse_codebook(text, path.name)  # a CodebookError names the row and column to fix
        codes = [c for c in book.codes if c.status != "merged"]  # its codings are not coming with it
        return [
            _Foreign(
                code_guid(c.id),
                code_guid(c.parent) if c.parent else None,
                c.label_zh,
                c.label_en,
                c.definition_zh,
                c.definition_en,
                c.colour,
                c.status != "retired",
                c.id,
                c.family,
            )
            for c in _parents_first(codes)
        ]
    raise errors.codebook_import_refused(
        path, Text("只能导入 .qdc 或 .csv 文件", "only a .qdc or a .csv file can be imported")
    )


def _from_qdc(guid: str, parent: str | None, name: str, description: str, colour: str, codable: bool) -> _Foreign:
    name, description = name.strip(), description.strip()
    if _is_chinese(name):
        return _Foreign(guid, parent, name, "", description, "", colour, codable)
    return _Foreign(guid, parent, "", name, "", description, colour, codable)


def _parents_first(codes: list[Code]) -> list[Code]:
    by_id = {c.id: c for c in codes}
    ordered: list[Code] = []
    seen: set[str] = set()

    def visit(code: Code) -> None:
        if code.id in seen:
            return
        seen.add(code.id)
        if code.parent in by_id:
            visit(by_id[code.parent])
        ordered.append(code)

    for code in codes:
        visit(code)
    return ordered


def _place(book: ResearchCodebook, code: _Foreign, parent: str | None) -> tuple[str, str]:
    """The family and parent id a new code gets here."""
    if parent and parent.startswith("FAMILY:"):
        return parent.removeprefix("FAMILY:"), ""
    if parent and book.has(parent):
        return book.get(parent).family, parent
    return (code.family if code.family in FAMILIES else "emergent"), ""


def _new_id(book: ResearchCodebook, code: _Foreign, family: str) -> str:
    if code.code_id and not book.has(code.code_id):
        return code.code_id  # a CSV's own id: its GUID stays the same here
    key, attempt = code.guid, 0
    while book.has(found := new_code_id(family, key)):
        attempt += 1
        key = f"{code.guid}#{attempt}"
    return found


def _parent_here(book: ResearchCodebook, code_id: str) -> str:
    code = book.get(code_id)
    return code.parent or f"FAMILY:{code.family}"


def _names(book: ResearchCodebook) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for code in book.codes:
        if code.status == "merged":
            continue
        for label in {_key(code.label_zh), _key(code.label_en)} - {""}:
            found.setdefault(label, []).append(code.id)
    return found


def _root_named(name: str) -> str | None:
    """A family root by its name as a .qdc from Yingzao gives it ('1. 营造维度'), or the bare name."""
    key = _key(name)
    for family, (zh, en, number) in FAMILIES.items():
        if key in {_key(zh), _key(en), _key(f"{number}. {zh}"), _key(f"{number}. {en}")}:
            return family
    return None


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _is_chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def _colour_ok(colour: str) -> bool:
    return len(colour) == 7 and colour[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
