"""The question types ODK and Kobo forms use beyond the basic ones, read the way pyxform expands them.

`or_other` becomes an `other` choice plus a text question `<name>_other`; `phone number` a text
question with pyxform's own constraint; metadata rows (start, end…) questions that are recorded and
never asked; `select_one_from_file` a list read from a CSV beside the workbook; `select_one_external`
a list of the external_choices sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yingzao.core.errors import Text
from yingzao.core.forms import metadata
from yingzao.core.forms.protocol import Choice, Labels, Question

OTHER = "other"
_FROM_FILE = re.compile(r"^(?P<kind>select_one_from_file|select_multiple_from_file) (?P<file>\S+)$", re.IGNORECASE)
_EXTERNAL = re.compile(r"^select_one_external (?P<list>\S+)$", re.IGNORECASE)
PHONE_CONSTRAINT = r"regex(., '^\d*$')"  # what pyxform binds to a 'phone number' question


@dataclass(frozen=True)
class OdkType:
    kind: str  # a QuestionType
    list_name: str | None = None
    or_other: bool = False
    metadata: str | None = None
    constraint: str | None = None  # the type's own constraint, used when the row gives none
    file: str | None = None  # select_*_from_file: the CSV

    @staticmethod
    def external_list(name: str) -> str:
        """Where the lists of external_choices are kept: beside, not over, choices' lists of that name."""
        return f"{name} (external_choices)"


def read(text: str) -> OdkType | None:
    """One of the ODK types this module expands (None: not one of them); `text` is spaced singly."""
    lowered = text.lower()
    if lowered in metadata.RECORDED:
        return OdkType("calculate", metadata=lowered)
    if lowered == "phone number":
        return OdkType("text", constraint=PHONE_CONSTRAINT)
    if match := _FROM_FILE.match(text):
        kind = "select_one" if match.group("kind").lower().startswith("select_one") else "select_multiple"
        return OdkType(kind, list_name=match.group("file"), file=match.group("file"))
    if match := _EXTERNAL.match(text):
        return OdkType("select_one", list_name=OdkType.external_list(match.group("list")))
    return None


def other_choice(languages: set[str]) -> Choice:
    """pyxform adds `other` labelled 'Other' in every language; a Chinese label reads 其他."""
    return Choice(OTHER, {lang: "其他" if lang == "zh" else "Other" for lang in sorted(languages)})


def or_other_follow_up(question: Question, languages: set[str], enclosing: tuple[str, ...]) -> Question:
    """The text question pyxform adds after an or_other select: `<name>_other`, asked when `other`
    is chosen. It identifies a person as much as the question it follows does."""
    labels: Labels = {lang: "请说明其他：" if lang == "zh" else "Specify other." for lang in sorted(languages)}
    return Question(
        name=f"{question.name}_other",
        type="text",
        row=question.row,
        section=question.section,
        labels=labels,
        relevant=(*enclosing, f"selected(${{{question.name}}}, '{OTHER}')"),
        identifying=question.identifying,
    )


# --- parameters ---------------------------------------------------------------------------------

_PAIR = re.compile(r"([A-Za-z_-]+)\s*=\s*([^\s,;]+)")
# what Yingzao does with each parameter it honours (others are warned about)
HONOURED = {
    "value": "from_file",  # the CSV column holding choice values
    "label": "from_file",  # the CSV column holding labels
    "rows": "text",  # a text box this many rows high: Yingzao shows it as a long-text box
}
_IGNORED_WHY = {
    "randomize": Text("营造按表单中的顺序显示选项", "Yingzao shows choices in the form's order"),
    "seed": Text("营造按表单中的顺序显示选项", "Yingzao shows choices in the form's order"),
}


def parameters(raw: str) -> dict[str, str]:
    """`value=id label=title` (spaces, commas or semicolons between) as a dict, names lower-cased."""
    return {key.lower(): value for key, value in _PAIR.findall(raw)}


def ignored_parameter(name: str, kind: str, from_file: bool) -> Text | None:
    """Why a parameter is not used on a question of this kind (None: it is honoured)."""
    use = HONOURED.get(name)
    if (use == "from_file" and from_file) or (use == "text" and kind == "text"):
        return None
    return _IGNORED_WHY.get(name) or Text("营造不支持这个参数", "Yingzao does not support this parameter")
