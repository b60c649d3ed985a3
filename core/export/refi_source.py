"""The database's coding as REFI-QDA values: its codebook (researchers' own codes included), every
live coding, the memos and the coders, for `refi_write` (.qdc, .qdpx) and `csv_tables` (codings.csv).

    content = refi_content(store, lang)          # an open store
    content = read_refi_content(db_path, lang)   # opened read-only here, as the exports open it

Names stay as stored: the writers anonymise (coders and authors as F01…/U01…, memo texts scrubbed
like answers) with the same anonymiser as the interviews, so one person is one code everywhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from yingzao.core import errors
from yingzao.core.coding.codebook import FAMILY_COLOURS, ResearchCodebook, research_codebook
from yingzao.core.export.refi_model import QdaCode, QdaCoding, QdaNote, QdaUser, code_guid, stable_guid
from yingzao.core.export.selection import open_read_only
from yingzao.core.forms.codebook import FAMILIES
from yingzao.core.store.codings import Coding
from yingzao.core.store.database import Store


@dataclass(frozen=True)
class RefiContent:
    book: ResearchCodebook
    codes: list[QdaCode]
    codings: list[QdaCoding]
    notes: list[QdaNote]
    users: list[QdaUser]
    # codings whose text was rewritten since they were coded: their positions select other words now
    unplaced: int = 0


def read_refi_content(db_path: Path | str, lang: str) -> RefiContent:
    db_path = Path(db_path)
    if not db_path.exists():
        raise errors.export_database_missing(db_path)
    with open_read_only(db_path) as store:
        return refi_content(store, lang)


def refi_content(store: Store, lang: str) -> RefiContent:
    book = research_codebook(store)
    codings: list[QdaCoding] = []
    notes: list[QdaNote] = []
    coding_guids: dict[str, str] = {}
    people: set[str] = set()
    unplaced = 0
    for coding in store.coding.codings():
        if coding.anchor == "text_changed":
            unplaced += 1
            continue
        guid = coding_guids[coding.id] = _guid("coding", coding.id)
        codings.append(_coding(book, coding, guid))
        people.add(coding.coder)
        if coding.memo.strip():  # a coding's own memo: a note on that coding, by its coder
            notes.append(
                QdaNote(
                    stable_guid("coding-memo", coding.id),
                    coding.memo,
                    coding.coder,
                    _moment(coding.updated_at),
                    "coding",
                    guid,
                )
            )
    for memo in store.coding.memos():
        about_id = memo.about_id
        if memo.about == "code":
            about_id = book.resolve(about_id)
        elif memo.about == "coding":
            if about_id not in coding_guids:
                continue  # on a deleted coding, or one whose text changed
            about_id = coding_guids[about_id]
        if memo.about not in ("code", "interview", "community", "coding"):
            continue
        notes.append(
            QdaNote(_guid("memo", memo.id), memo.text, memo.author, _moment(memo.created_at), memo.about, about_id)
        )
        people.add(memo.author)
    users = [QdaUser(name) for name in sorted(people) if name]
    return RefiContent(book, research_codes(book, lang), codings, notes, users, unplaced)


def research_codes(book: ResearchCodebook, lang: str) -> list[QdaCode]:
    """The database's codebook as REFI-QDA codes: each family a non-codable root (a tool's tree then
    shows the paper's frame), its codes beneath it by parent. Retired and merged codes are kept (older
    projects refer to their GUIDs) but cannot be coded; codings of a merged one carry its successor."""
    codes: list[QdaCode] = []
    for family, (zh, en, number) in FAMILIES.items():
        root = f"FAMILY.{family.upper()}"
        name = f"{number}. {en if lang == 'en' else zh}"
        codes.append(QdaCode(root, code_guid(root), None, name, "", FAMILY_COLOURS.get(family), codable=False))
        for code in book.family(family):
            description = code.definition(lang)
            if code.merged_into:
                merged = f"已并入 {book.resolve(code.id)}" if lang != "en" else f"merged into {book.resolve(code.id)}"
                description = f"{description}\n{merged}" if description else merged
            codes.append(
                QdaCode(
                    code.id,
                    code_guid(code.id),
                    code.parent or root,
                    code.label(lang),
                    description,
                    book.colour(code.id).upper(),
                    codable=code.codable,
                )
            )
    return codes


def _coding(book: ResearchCodebook, coding: Coding, guid: str) -> QdaCoding:
    return QdaCoding(
        guid,
        coding.interview_id,
        coding.question,
        "note" if coding.target == "note" else "answer",
        coding.start,
        coding.end,
        book.resolve(coding.code),
        coding.coder,
        _moment(coding.created_at),
        coding.attributed,
    )


def _guid(kind: str, record_id: str) -> str:
    """The record's id when it is a GUID (the coding core makes them so), else one derived from it:
    REFI-QDA accepts nothing else."""
    try:
        return str(uuid.UUID(record_id))
    except ValueError:
        return stable_guid(kind, record_id)


def _moment(stamp: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        return None
