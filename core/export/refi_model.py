"""What a REFI-QDA export (`.qdc`, `.qdpx`) is made of, as plain values: the seam between the writer
and whoever owns the codes, codings, memos and coders.

The writer (`yingzao.core.export.refi_write`) consumes only these dataclasses. The database's codes,
codings, memos and coders are read into them by `yingzao.core.export.refi_source`;
`codes_from_codebook` gives the shipped codebook alone. The contract:

- `QdaCode.id` is the code's id in Yingzao (`DIM.ORG`); `guid` is stable across exports and laptops
  (`code_guid` of core/guids.py, the coding core's too), `parent_id` names another code's `id`.
- `QdaCoding.start`/`end` are a half-open span [start, end) in Unicode code points of the stored text
  of one answer (`target="answer"`) or of its fieldworker note (`target="note"`), as the store holds it.
  The writer places it in the transcript it builds, through anonymisation and cleaning.
- `QdaNote.about` says what a memo annotates: a code, an interview, a community or a coding, with
  `about_id` the code id, interview id, community id or coding guid.
- `QdaUser.name` is what the coding core records as `coder`; codings and notes refer to users by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from yingzao.core.forms.codebook import FAMILIES, Codebook

# the one GUID scheme, shared with the coding core
from yingzao.core.guids import NAMESPACE as NAMESPACE
from yingzao.core.guids import code_guid as code_guid
from yingzao.core.guids import stable_guid as stable_guid

Target = Literal["answer", "note"]
About = Literal["code", "interview", "community", "coding"]

# one colour per family of the paper's frame, so a tool's code tree reads like the codebook sheet
FAMILY_COLOURS: dict[str, str] = {
    "dimension": "#1F77B4",
    "actor": "#D62728",
    "factor": "#2CA02C",
    "scene": "#9467BD",
    "mode": "#8C564B",
    "unit": "#E377C2",
    "resource": "#BCBD22",
    "strategy": "#17BECF",
}


@dataclass(frozen=True, slots=True)
class QdaCode:
    id: str
    guid: str
    parent_id: str | None
    name: str
    description: str = ""
    colour: str | None = None  # "#RRGGBB"
    codable: bool = True


@dataclass(frozen=True, slots=True)
class QdaCoding:
    guid: str
    interview_id: str
    question: str
    target: Target
    start: int
    end: int
    code_id: str
    coder: str = ""
    created_at: dt.datetime | None = None
    communities: tuple[str, ...] = ()  # attributed to (a passage of an interview above community level)


@dataclass(frozen=True, slots=True)
class QdaNote:
    guid: str
    text: str
    author: str = ""
    at: dt.datetime | None = None
    about: About = "interview"
    about_id: str = ""


@dataclass(frozen=True, slots=True)
class QdaUser:
    name: str
    guid: str = ""  # empty: `user_guid(name)`


def source_guid(interview_id: str) -> str:
    return stable_guid("source", interview_id)


def user_guid(name: str) -> str:
    return stable_guid("user", name)


def codes_from_codebook(codebook: Codebook, lang: str) -> list[QdaCode]:
    """The shipped codebook as REFI-QDA codes: each family a non-codable root (so a tool's tree shows
    the paper's frame), its codes beneath it by parent. A scene whose goals are unrecovered stays codable."""
    codes: list[QdaCode] = []
    for family, (zh, en, number) in FAMILIES.items():
        root = f"FAMILY.{family.upper()}"
        codes.append(
            QdaCode(
                root,
                code_guid(root),
                None,
                f"{number}. {en if lang == 'en' else zh}",
                "",
                FAMILY_COLOURS.get(family),
                codable=False,
            )
        )
        for code in codebook.family(family):
            codes.append(
                QdaCode(
                    code.id,
                    code_guid(code.id),
                    code.parent or root,
                    code.label(lang),
                    code.definition(lang),
                    FAMILY_COLOURS.get(family),
                )
            )
    return codes
