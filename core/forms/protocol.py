"""A protocol as the app uses it: sections of questions, choices, codes and languages.

Plain frozen dataclasses, built once from a validated workbook (see `yingzao.core.forms.loader`) and cached
in the store as JSON, so start-up never has to parse a spreadsheet.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from yingzao.core.errors import CodedProblem, Problem, Text
from yingzao.core.forms.repeats import INSTANCE_SEPARATOR, valid_instance
from yingzao.core.forms.roles import ROLES as ROLES  # where the rest of the app has always found them

if TYPE_CHECKING:
    from yingzao.core.forms.expr import Expression

QuestionType = Literal[
    "text", "integer", "decimal", "date", "time", "select_one", "select_multiple", "note", "calculate", "repeat"
]
CONSENT_QUESTION = "consent"
CONSENT_GIVEN = "yes"
PRIORITIES: tuple[str, ...] = ("core", "optional")  # `optional` questions and probes drop out of the short version

Labels = dict[str, str]  # language code ('zh', 'en') -> text

_LANG_IN_BRACKETS = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)\s*$")
_LANG_NAMES = {
    "english": "en",
    "en": "en",
    "chinese": "zh",
    "中文": "zh",
    "zh": "zh",
    "汉语": "zh",
    "简体中文": "zh",
    "french": "fr",
    "spanish": "es",
    "default": "default",
}


def language_code(name: str) -> str:
    """'中文 (zh)' -> 'zh', 'English' -> 'en'; unknown names are kept, lower-cased."""
    match = _LANG_IN_BRACKETS.search(name)
    if match:
        return match.group(1).lower().replace("_", "-")
    return _LANG_NAMES.get(name.strip().lower(), name.strip().lower())


def pick(labels: Labels, lang: str, fallback: str = "zh") -> str:
    """The text in `lang`, else the fallback language, else any language, else ''."""
    return labels.get(lang) or labels.get(fallback) or next((t for t in labels.values() if t), "")


@lru_cache(maxsize=4096)
def compiled(source: str) -> Expression:
    from yingzao.core.forms.expr import compile_expression  # imported on first use: start-up evaluates nothing

    return compile_expression(source)


@lru_cache(maxsize=1024)
def compiled_filter(source: str, fields: frozenset[str]) -> Expression:
    """A choice_filter: bare words naming the list's columns (`fields`) read the choice."""
    from yingzao.core.forms.expr import compile_expression

    return compile_expression(source, fields)


def filter_fields(choices: tuple[Choice, ...]) -> frozenset[str]:
    """The columns a choice_filter on this list may name: name, label and the list's own columns."""
    return frozenset({"name", "label"}.union(*(c.filters for c in choices)))


@dataclass(frozen=True)
class Choice:
    name: str
    labels: Labels
    codes: tuple[str, ...] = ()  # codes this choice suggests when chosen (ticking 街道办事处 suggests ACT.GOV)
    filters: dict[str, str] = field(default_factory=dict)  # its other columns, which a choice_filter reads


@dataclass(frozen=True)
class Question:
    name: str
    type: QuestionType
    row: int
    section: str
    labels: Labels = field(default_factory=dict)
    hints: Labels = field(default_factory=dict)
    probes: Labels = field(default_factory=dict)
    required: bool = False
    required_message: Labels = field(default_factory=dict)
    relevant: tuple[str, ...] = ()  # own condition last, enclosing groups' before it
    constraint: str | None = None
    constraint_message: Labels = field(default_factory=dict)
    default: str | None = None
    appearance: str | None = None
    calculation: str | None = None
    list_name: str | None = None
    codes: tuple[str, ...] = ()
    identifying: bool = False
    priority: str = "core"  # PRIORITIES: what a fieldworker with too little time keeps
    optional_probes: Labels = field(default_factory=dict)  # probes the short version leaves out
    choice_filter: str | None = None  # expression deciding, choice by choice, which choices are offered
    metadata: str | None = None  # 'start', 'end', 'today', 'deviceid', 'username': recorded, never asked
    repeat: str | None = None  # the repeat group this question is asked in, once per instance
    repeat_count: str | None = None  # on a repeat: the expression giving how many instances it has

    @property
    def optional(self) -> bool:
        return self.priority == "optional"

    @property
    def holds_value(self) -> bool:
        """Whether it records an answer of its own (a repeat's row records its list of instances,
        not an answer; a note records nothing)."""
        return self.type not in ("note", "repeat")

    @property
    def is_repeat(self) -> bool:
        return self.type == "repeat"


@dataclass(frozen=True)
class Section:
    """A top-level group of the survey sheet; questions outside any group form their own section."""

    name: str
    labels: Labels
    row: int
    relevant: str | None
    questions: tuple[str, ...]
    minutes: int | None = None  # the time budget the fieldworker is shown for this section


@dataclass(frozen=True)
class Protocol:
    form_id: str
    version: str
    role: str
    titles: Labels
    default_language: str
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    choices: dict[str, tuple[Choice, ...]]
    not_asked: dict[str, Labels] = field(default_factory=dict)
    source_name: str = ""
    sha256: str = ""
    # what the form carries that Yingzao ignores (CodedProblem): shown, never a reason to refuse it.
    # Not compared: read back from the store they name the workbook, not the path it was read from.
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {q.name: q for q in self.questions})
        inside: dict[str, list[Question]] = {q.name: [] for q in self.questions if q.is_repeat}
        for question in self.questions:
            if question.repeat is not None and question.repeat in inside:
                inside[question.repeat].append(question)
        object.__setattr__(self, "_repeated", {name: tuple(qs) for name, qs in inside.items()})

    def question(self, key: str) -> Question:
        """The question an answer key is for: a question's name, or a repeated question's key for
        one instance (`org_name#k3f9`, see yingzao.core.forms.repeats)."""
        by_name = self._by_name  # type: ignore[attr-defined]
        if key in by_name:
            return by_name[key]
        name, _, instance = key.partition(INSTANCE_SEPARATOR)
        question = by_name[name] if instance else None
        if question is None or question.repeat is None or not valid_instance(instance):
            raise KeyError(key)
        return question

    def has_question(self, key: str) -> bool:
        """Whether `key` may hold an answer of this protocol: an unrepeated question's name, a
        repeat's name (its list of instances) or a repeated question's key for an instance."""
        by_name = self._by_name  # type: ignore[attr-defined]
        question = by_name.get(key)
        if question is not None:
            return question.repeat is None
        name, _, instance = key.partition(INSTANCE_SEPARATOR)
        question = by_name.get(name) if instance else None
        return question is not None and question.repeat is not None and valid_instance(instance)

    def named(self, name: str) -> Question | None:
        """The question (or repeat) of this name, repeated or not; None when the form has none."""
        return self._by_name.get(name)  # type: ignore[attr-defined]

    def repeated(self, repeat: str) -> tuple[Question, ...]:
        """The questions asked once per instance of a repeat, in the form's order."""
        return self._repeated.get(repeat, ())  # type: ignore[attr-defined]

    @property
    def repeats(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_repeat)

    def title(self, lang: str) -> str:
        return pick(self.titles, lang, self.default_language) or self.form_id

    def choice_label(self, list_name: str, name: str, lang: str) -> str:
        for choice in self.choices.get(list_name, ()):
            if choice.name == name:
                return pick(choice.labels, lang, self.default_language) or name
        return name

    @property
    def codes_used(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for question in self.questions:
            for code in question.codes:
                seen.setdefault(code, None)
        return tuple(seen)

    @property
    def minutes(self) -> int:
        """The whole interview's time budget: the sum of its sections' budgets."""
        return sum(s.minutes or 0 for s in self.sections)

    @property
    def answerable(self) -> tuple[Question, ...]:
        """The questions asked once per interview (a repeated question is asked once per instance:
        see `repeated`)."""
        return tuple(q for q in self.questions if q.holds_value and q.type != "calculate" and q.repeat is None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        # fields added later are left out while unused, so a definition written before them reads
        # the same (a package's carried definition is compared with the master's own reading)
        data["choices"] = {k: [_without_defaults(asdict(c), _CHOICE_LATER) for c in v] for k, v in self.choices.items()}
        data["questions"] = [_without_defaults(q, _QUESTION_LATER) for q in data["questions"]]
        warnings = data.pop("warnings")
        if warnings:
            data["warnings"] = [_problem_dict(p) for p in self.warnings]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Protocol:
        return cls(
            form_id=data["form_id"],
            version=data["version"],
            role=data["role"],
            titles=data["titles"],
            default_language=data["default_language"],
            languages=tuple(data["languages"]),
            sections=tuple(
                Section(s["name"], s["labels"], s["row"], s["relevant"], tuple(s["questions"]), s.get("minutes"))
                for s in data["sections"]
            ),
            questions=tuple(
                Question(**{**q, "relevant": tuple(q["relevant"]), "codes": tuple(q["codes"])})
                for q in data["questions"]
            ),
            choices={
                k: tuple(Choice(**{**c, "codes": tuple(c.get("codes", ()))}) for c in v)
                for k, v in data["choices"].items()
            },
            not_asked=data.get("not_asked", {}),
            source_name=data.get("source_name", ""),
            sha256=data.get("sha256", ""),
            warnings=tuple(_problem(p, data.get("source_name", "")) for p in data.get("warnings", ())),
        )


_CHOICE_LATER: dict[str, Any] = {"filters": {}}
_QUESTION_LATER: dict[str, Any] = {"choice_filter": None, "metadata": None, "repeat": None, "repeat_count": None}


def _without_defaults(data: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if not (k in later and v == later[k])}


def _problem_dict(problem: Problem) -> dict[str, Any]:
    """A warning as the definition keeps it: its place in the workbook (not the path it was read
    from, which differs from machine to machine), code and both texts."""
    text = problem.text if isinstance(problem.text, Text) else Text(problem.text, problem.text)
    return {
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "code": getattr(problem, "code", ""),
        "zh": text.zh,
        "en": text.en,
    }


def _problem(data: dict[str, Any], file: str) -> Problem:
    return CodedProblem(
        file, data["sheet"], data["row"], Text(data["zh"], data["en"]), data["column"], code=data.get("code", "")
    )
