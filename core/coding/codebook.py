"""The database's codebook: the shipped frame (forms/codebook.csv) with what researchers changed.

A researcher adds inductive codes (any family, or `emergent`), renames them, recolours them, merges
one into another (its codings move; its id stays as an alias) and retires codes (their codings stay).
Only the changes are stored (core/store/codings.py), so the shipped codes stay as shipped until
someone changes them and a newer app's frame shows through.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

from yingzao.core import errors, paths
from yingzao.core.durable import write_durably
from yingzao.core.forms.codebook import FAMILIES, Code, Codebook, codebook_csv, load_codebook

# REFI-QDA and other tools need a GUID per code, the same on every laptop: one scheme for all of them
from yingzao.core.guids import code_guid as code_guid
from yingzao.core.store.codings import Alias, CodeRow
from yingzao.core.store.database import Store

# a colour per family, for codes that have none of their own (the coding page's stripes, REFI-QDA)
FAMILY_COLOURS = {
    "dimension": "#1f77b4",
    "actor": "#d62728",
    "factor": "#2ca02c",
    "scene": "#9467bd",
    "mode": "#8c564b",
    "unit": "#e377c2",
    "resource": "#7f7f7f",
    "strategy": "#bcbd22",
    "emergent": "#17becf",
}
_PREFIX = {
    "dimension": "DIM",
    "actor": "ACT",
    "factor": "FAC",
    "scene": "SCN",
    "mode": "MODE",
    "unit": "UNIT",
    "resource": "RES",
    "strategy": "STR",
    "emergent": "EMG",
}


class ResearchCodebook(Codebook):
    """A `Codebook` that also knows aliases and colours."""

    def __init__(self, codes: list[Code], aliases: dict[str, str]) -> None:
        super().__init__(codes)
        self.aliases = aliases

    def resolve(self, code_id: str) -> str:
        """The code an id stands for now: itself, or what it was merged into (followed to the end)."""
        seen = {code_id}
        while code_id in self.aliases and self.aliases[code_id] not in seen:
            code_id = self.aliases[code_id]
            seen.add(code_id)
        return code_id

    def colour(self, code_id: str) -> str:
        code = self.get(code_id)
        return code.colour or FAMILY_COLOURS.get(code.family, "#7f7f7f")

    def descendants(self, code_id: str) -> tuple[str, ...]:
        found: list[str] = []
        stack = [code_id]
        while stack:
            for child in self.children(stack.pop()):
                if child.id not in found:
                    found.append(child.id)
                    stack.append(child.id)
        return tuple(found)

    def usable(self) -> tuple[Code, ...]:
        return tuple(code for code in self.codes if code.codable)


def research_codebook(store: Store, shipped: Codebook | None = None) -> ResearchCodebook:
    """The codebook as this database has it now."""
    shipped = shipped or load_codebook(paths.CODEBOOK_PATH)
    rows = {row.id: row for row in store.coding.code_rows()}
    aliases = {a.alias: a.code for a in store.coding.aliases()}
    codes: list[Code] = []
    for code in shipped.codes:
        row = rows.pop(code.id, None)
        codes.append(_code(row, aliases) if row else replace(code, merged_into=aliases.get(code.id, "")))
    codes += [_code(row, aliases) for row in rows.values()]  # the researchers' own, in id order
    return ResearchCodebook(codes, aliases)


def _code(row: CodeRow, aliases: dict[str, str]) -> Code:
    return Code(
        id=row.id,
        family=row.family,
        parent=row.parent,
        label_zh=row.label_zh,
        label_en=row.label_en,
        definition_zh=row.definition_zh,
        definition_en=row.definition_en,
        source=row.source,
        status=row.status,
        colour=row.colour,
        merged_into=aliases.get(row.id, ""),
    )


def _row(store: Store, code: Code) -> CodeRow:
    return CodeRow(
        id=code.id,
        family=code.family,
        parent=code.parent,
        label_zh=code.label_zh,
        label_en=code.label_en,
        definition_zh=code.definition_zh,
        definition_en=code.definition_en,
        source=code.source,
        status=code.status,
        colour=code.colour,
        updated_at=store.now(),
        updated_by=store.user,
        device_id=store.device_id,
    )


def new_code_id(family: str, key: str = "") -> str:
    """An id for a researcher's code: random, or derived from `key` (an imported code's GUID) so that
    the same code imported into two databases gets the same id, and so the same GUID, in both."""
    tail = uuid.uuid5(uuid.NAMESPACE_OID, key).hex if key else uuid.uuid4().hex
    return f"{_PREFIX[family]}.X{tail[:6].upper()}"


def add_code(
    store: Store,
    book: ResearchCodebook,
    *,
    family: str,
    label_zh: str,
    label_en: str = "",
    parent: str = "",
    definition_zh: str = "",
    definition_en: str = "",
    colour: str = "",
    code_id: str = "",
) -> Code:
    """A new code from the field. Its id is generated (unique across laptops) unless given."""
    if family not in FAMILIES:
        raise errors.coding_bad_family(family, tuple(FAMILIES))
    label_zh, label_en = label_zh.strip(), label_en.strip()
    if not label_zh and not label_en:
        raise errors.coding_code_needs_label()
    if parent:
        if not book.has(parent):
            raise errors.coding_unknown_code(parent)
        if book.get(parent).family != family:
            raise errors.coding_parent_family(parent, book.get(parent).family, family)
    code_id = code_id or new_code_id(family)
    if book.has(code_id):
        raise errors.coding_code_exists(code_id)
    _check_colour(colour)
    code = Code(
        id=code_id,
        family=family,
        parent=parent,
        label_zh=label_zh or label_en,
        label_en=label_en or label_zh,
        definition_zh=definition_zh.strip(),
        definition_en=definition_en.strip(),
        source="",
        colour=colour,
    )
    store.coding.put("code", _row(store, code), "created")
    return code


def change_code(store: Store, book: ResearchCodebook, code_id: str, **changes: str) -> Code:
    """Rename, redefine, recolour or move a code (labels, definitions, colour, parent)."""
    allowed = {"label_zh", "label_en", "definition_zh", "definition_en", "colour", "parent"}
    if not book.has(code_id):
        raise errors.coding_unknown_code(code_id)
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} of a code")
    before = book.get(code_id)
    changes = {k: v.strip() for k, v in changes.items()}
    if "colour" in changes:
        _check_colour(changes["colour"])
    if changes.get("parent"):
        parent = changes["parent"]
        if not book.has(parent):
            raise errors.coding_unknown_code(parent)
        if parent == code_id or code_id in book.ancestors(parent):
            raise errors.coding_parent_cycle(code_id, parent)
        if book.get(parent).family != before.family:
            raise errors.coding_parent_family(parent, book.get(parent).family, before.family)
    for label in ("label_zh", "label_en"):
        if label in changes and not changes[label]:
            raise errors.coding_code_needs_label()
    after = replace(before, **changes)
    if after == before:
        return before
    store.coding.put("code", _row(store, after), "changed", _row(store, before))
    return after


def retire_code(store: Store, book: ResearchCodebook, code_id: str, retired: bool = True) -> Code:
    """A retired code is offered no more; its codings stay, and count, marked retired."""
    if not book.has(code_id):
        raise errors.coding_unknown_code(code_id)
    before = book.get(code_id)
    if before.status == "merged":
        raise errors.coding_code_merged(code_id, before.merged_into)
    after = replace(before, status="retired" if retired else "")
    if after != before:
        store.coding.put("code", _row(store, after), "retired" if retired else "restored", _row(store, before))
    return after


def merge_codes(store: Store, book: ResearchCodebook, old_id: str, into_id: str) -> int:
    """Merge `old_id` into `into_id`: its codings move, it is kept as an alias. Returns how many
    codings moved."""
    for code_id in (old_id, into_id):
        if not book.has(code_id):
            raise errors.coding_unknown_code(code_id)
    into_id = book.resolve(into_id)
    if old_id == into_id or book.resolve(old_id) == into_id:
        raise errors.coding_merge_into_itself(old_id)
    before = book.get(old_id)
    now = store.now()
    with store.transaction():
        store.coding.put(
            "alias",
            Alias(alias=old_id, code=into_id, updated_at=now, updated_by=store.user, device_id=store.device_id),
            "created",
        )
        store.coding.put("code", _row(store, replace(before, status="merged")), "merged", _row(store, before))
        moved = store.coding.move_codings(old_id, into_id, now)
    return moved


def write_codebook_csv(book: ResearchCodebook, out: Path | str) -> Path:
    """The codebook in exactly the format of forms/codebook.csv (UTF-8 with BOM)."""
    out = Path(out)
    try:
        write_durably(out, ("\ufeff" + codebook_csv(book.codes)).encode("utf-8"))
    except OSError as error:
        raise errors.cannot_write(out, error) from error
    return out


def _check_colour(colour: str) -> None:
    if colour and not (
        len(colour) == 7 and colour[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    ):
        raise errors.coding_bad_colour(colour)
