"""One interview being taken: relevance, calculations, validation and progress, without Qt.

The UI asks this object what to show and tells it what was typed; it keeps the answers in memory
for instant relevance updates and writes each change through the store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from yingzao.core.errors import Text
from yingzao.core.forms import metadata, repeats
from yingzao.core.forms.case_check import CASE_QUESTION, CaseMismatch, case_mismatch
from yingzao.core.forms.protocol import (
    CONSENT_GIVEN,
    CONSENT_QUESTION,
    Choice,
    Protocol,
    Question,
    Section,
    compiled,
    compiled_filter,
    filter_fields,
    pick,
)
from yingzao.core.store.database import UNSET, Store
from yingzao.core.store.records import EDITABLE_STATUSES, Answer, Interview
from yingzao.core.store.values import ValueProblem, from_stored, to_stored


@dataclass(frozen=True)
class Issue:
    """Something wrong with one answer, in words for the fieldworker."""

    question: str
    kind: str  # 'required' | 'constraint' | 'type'
    message: str


@dataclass(frozen=True)
class SectionProgress:
    answered: int
    total: int
    issues: int

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.answered / self.total)


INTERVIEW_TIME = "__interview__"  # paradata row for the time the interview screen was open

# questions of the community profile that name its community: filled from the community chosen when
# the profile was started, so the form does not ask again for what the new-profile dialog just asked
COMMUNITY_ID_QUESTION, COMMUNITY_NAME_QUESTION = "case_letter", "case_name"


def question_numbers(protocol: Protocol) -> dict[str, str]:
    """'2.3' for the third main question of the second section; a follow-up (asked only after an
    answer to a question of its own section, e.g. "其他，请说明") takes the number before it and a
    letter ('2.3a'), so the numbers a fieldworker sees run without gaps whichever follow-ups are hidden."""
    numbers: dict[str, str] = {}
    for s_index, section in enumerate(protocol.sections, start=1):
        count, letters = 0, 0
        here = set(section.questions)
        for name in section.questions:
            question = protocol.question(name)
            if question.is_repeat:  # numbered like a question; its own questions 2.3.1, 2.3.2…
                count, letters = count + 1, 0
                numbers[name] = f"{s_index}.{count}"
                inner = [q for q in protocol.repeated(name) if q.holds_value and q.type != "calculate"]
                for i, repeated in enumerate(inner, start=1):
                    numbers[repeated.name] = f"{s_index}.{count}.{i}"
                continue
            if not question.holds_value or question.type == "calculate" or question.repeat is not None:
                continue
            follow_up = any(ref in here for condition in question.relevant for ref in _REFERENCE.findall(condition))
            if follow_up and count:
                letters += 1
                numbers[name] = f"{s_index}.{count}{_letter(letters)}"
            else:
                count, letters = count + 1, 0
                numbers[name] = f"{s_index}.{count}"
    return numbers


_REFERENCE = re.compile(r"\$\{([^}]+)\}")


def _letter(n: int) -> str:
    text = ""
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


_NOT_OFFERED = Text(
    "所选的答案不在现在可选的选项中（前面的回答改变了可选范围）；请重新选择。",
    "The chosen answer is not among the choices offered now (an earlier answer changed them); choose again.",
)


def _too_many(have: int, want: int) -> Text:
    return Text(
        f"这一组有 {have} 项，多于前面回答要求的 {want} 项；请删除多出的项，或改正前面的数目。",
        f"This repeat has {have} entries, more than the {want} an earlier answer asks for; remove the extra "
        "entries or correct that number.",
    )


_REQUIRED_DEFAULT = {"zh": "此题必答。", "en": "This question is required."}
_CONSTRAINT_DEFAULT = {"zh": "答案不符合要求。", "en": "This answer is not valid."}


class InterviewSession:
    def __init__(
        self, store: Store, interview_id: str, *, today: dt.date | None = None, read_only: bool = False
    ) -> None:
        """`read_only`: only to look at it (review, quality flags) — nothing is ever written, even
        for an interview the fieldworker may still edit."""
        self.store = store
        self._read_only = read_only
        self.interview: Interview = store.interview(interview_id)
        self.protocol: Protocol = store.protocol(self.interview.protocol_sha256)
        self.answers: dict[str, Answer] = store.answers(interview_id)
        self._today = today
        self._consent_index = next(
            (i for i, q in enumerate(self.protocol.questions) if q.name == CONSENT_QUESTION), None
        )
        self._relevant: dict[str, bool] = {}
        # what was typed but does not fit its type ("25:70", "约30家"): never stored, shown as an issue
        # until it is corrected, so the screen and Finalise do not pretend the old value is the answer
        self.rejected: dict[str, tuple[str, ValueProblem]] = {}
        self._stored_progress = self.interview.progress
        self._refresh()

    # -- reading -----------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.interview.id

    @property
    def editable(self) -> bool:
        """Only on the device that took the interview: an edit made anywhere else (the researcher's
        master) would not be continued by the fieldworker's revision, and the next merge would
        turn into a conflict."""
        return (
            not self._read_only
            and self.interview.status in EDITABLE_STATUSES
            and self.interview.device_id == self.store.device_id
        )

    @property
    def taken_elsewhere(self) -> bool:
        return self.interview.device_id != self.store.device_id

    def value(self, name: str) -> object:
        answer = self.answers.get(name)
        if answer is None or answer.value is None:
            return None
        return from_stored(self.protocol.question(name).type, answer.value)

    def marker(self, name: str) -> str | None:
        answer = self.answers.get(name)
        return answer.marker if answer else None

    def note(self, name: str) -> str:
        answer = self.answers.get(name)
        return (answer.note or "") if answer else ""

    def is_relevant(self, name: str) -> bool:
        return self._relevant.get(name, True)

    def section_relevant(self, section: Section) -> bool:
        return any(self.is_relevant(name) for name in section.questions if self.protocol.question(name).repeat is None)

    # -- repeats -----------------------------------------------------------------------------

    def instances(self, repeat: str) -> list[str]:
        """The ids of a repeat's instances, in the order the fieldworker put them."""
        answer = self.answers.get(repeat)
        return repeats.instances(answer.value if answer else None)

    def keys(self, names: Iterable[str] | None = None) -> list[str]:
        """The answer keys of these questions (default: the whole form), in the form's order: a
        repeat's name, then each instance's keys of the questions it repeats."""
        keys: list[str] = []
        questions = self.protocol.questions if names is None else [self.protocol.question(n) for n in names]
        for question in questions:
            if question.repeat is not None:
                continue  # reached through its repeat, once per instance
            keys.append(question.name)
            if question.is_repeat:
                inner = self.protocol.repeated(question.name)
                for instance in self.instances(question.name):
                    keys.extend(repeats.key(q.name, instance) for q in inner)
        return keys

    def position(self, key: str) -> int:
        """The 1-based position of the instance a repeated question's key belongs to (1 otherwise)."""
        name, instance = repeats.split(key)
        question = self.protocol.named(name)
        if instance is None or question is None or question.repeat is None:
            return 1
        listed = self.instances(question.repeat)
        return listed.index(instance) + 1 if instance in listed else 1

    def expected_instances(self, repeat: str) -> int | None:
        """What the repeat's repeat_count asks for now (None: the fieldworker adds instances)."""
        question = self.protocol.question(repeat)
        if not question.repeat_count:
            return None
        number = compiled(question.repeat_count).evaluate(
            self._lookup, today=self._today, choice_name=self._choice_name, nodeset=self._nodeset
        )
        try:
            count = int(float(str(number))) if str(number).strip() else 0
        except ValueError:
            return 0
        return max(0, min(count, repeats.MAX_INSTANCES))

    def add_instance(self, repeat: str) -> str:
        """Add an instance at the end of a repeat (its questions' defaults filled); returns its id."""
        with self.store.transaction():
            instance = self._append_instances(repeat, 1)[0]
        self._reload(repeat)
        return instance

    def remove_instance(self, repeat: str, instance: str) -> None:
        """Take an instance out of its repeat, its answers and notes cleared in the same transaction
        (the audit log keeps every value it had)."""
        listed = self.instances(repeat)
        if instance not in listed:
            return
        self.rejected = {k: v for k, v in self.rejected.items() if repeats.split(k)[1] != instance}
        with self.store.transaction():
            for question in self.protocol.repeated(repeat):
                answer_key = repeats.key(question.name, instance)
                if answer_key in self.answers and not self.answers[answer_key].is_empty:
                    self.store.save_answer(self.id, answer_key, None, marker=None, note=None)
            self.store.save_answer(self.id, repeat, [i for i in listed if i != instance])
        self.answers = self.store.answers(self.id)
        self._reload(repeat)

    def move_instance(self, repeat: str, instance: str, to: int) -> None:
        """Put an instance at 0-based position `to` of its repeat."""
        listed = self.instances(repeat)
        if instance not in listed:
            return
        listed.remove(instance)
        listed.insert(max(0, min(to, len(listed))), instance)
        if self.store.save_answer(self.id, repeat, listed):
            self._reload(repeat)

    def _append_instances(self, repeat: str, count: int) -> list[str]:
        """Inside a transaction: add `count` instances and their questions' defaults."""
        listed = self.instances(repeat)
        added: list[str] = []
        while len(added) < count:
            instance = repeats.new_instance()
            if instance not in listed:
                added.append(instance)
                listed.append(instance)
        self.store.save_answer(self.id, repeat, listed)
        for instance in added:
            for question in self.protocol.repeated(repeat):
                if question.default and question.type not in ("note", "calculate"):
                    try:
                        self.store.save_answer(self.id, repeats.key(question.name, instance), question.default)
                    except ValueError:  # a default that does not fit its type is not applied
                        continue
        self.answers = self.store.answers(self.id)
        return added

    def _follow_count(self, repeat: Question) -> bool:
        """Bring a repeat_count repeat to the number of instances it asks for: add what is missing,
        drop trailing instances that hold nothing. One with answers is kept (and reported by
        `issue`) — nothing typed disappears because an earlier number changed. Returns whether
        anything was written."""
        want = self.expected_instances(repeat.name)
        listed = self.instances(repeat.name)
        if want is None or want == len(listed):
            return False
        if want > len(listed):
            with self.store.transaction():
                self._append_instances(repeat.name, want - len(listed))
            return True
        keep = list(listed)
        while len(keep) > want and self._instance_empty(repeat.name, keep[-1]):
            keep.pop()
        if keep == listed:
            return False
        self.store.save_answer(self.id, repeat.name, keep)
        self.answers = self.store.answers(self.id)
        return True

    def _instance_empty(self, repeat: str, instance: str) -> bool:
        """Nothing recorded in it but its questions' defaults."""
        for question in self.protocol.repeated(repeat):
            if question.type == "calculate":
                continue
            answer = self.answers.get(repeats.key(question.name, instance))
            if answer is None or (answer.value is None and answer.marker is None and not answer.note):
                continue
            if answer.marker is not None or answer.note or not _is_default(question, answer.value):
                return False
        return True

    @property
    def consent_refused(self) -> bool:
        if self._consent_index is None:
            return False
        value = self.value(CONSENT_QUESTION)
        return value is not None and value != CONSENT_GIVEN

    def _lookup(self, name: str) -> object:
        """${name} outside any instance; a repeated question there reads its first instance, as a
        comparison with an XPath node-set does."""
        question = self.protocol.named(name)
        if question is None:
            return None
        if question.repeat is None:
            return self.value(name)
        listed = self.instances(question.repeat)
        return self.value(repeats.key(name, listed[0])) if listed else None

    def _nodeset(self, name: str) -> list[object]:
        """What count(${name}), sum(${name}) and indexed-repeat() read: one value per instance."""
        question = self.protocol.named(name)
        if question is None:
            return []
        if question.is_repeat:
            return list(self.instances(name))
        if question.repeat is None:
            return [self.value(name)]
        return [self.value(repeats.key(name, i)) for i in self.instances(question.repeat)]

    def _scope(self, key: str) -> tuple[Callable[[str], object], int]:
        """How ${…} reads for an answer key, and its position(..): inside an instance, the questions
        of the same repeat read that instance's answers."""
        name, instance = repeats.split(key)
        question = self.protocol.named(name)
        if instance is None or question is None or question.repeat is None:
            return self._lookup, 1
        repeat = question.repeat

        def lookup(ref: str) -> object:
            other = self.protocol.named(ref)
            if other is not None and other.repeat == repeat:
                return self.value(repeats.key(ref, instance))
            return self._lookup(ref)

        return lookup, self.position(key)

    def _truthy(self, source: str, key: str, current: object = None) -> bool:
        lookup, position = self._scope(key)
        return compiled(source).truthy(
            lookup,
            current=current,
            today=self._today,
            choice_name=self._choice_name,
            position=position,
            nodeset=self._nodeset,
        )

    def _choice_name(self, name: str, value: object) -> str:
        """jr:choice-name(): the label of a choice of question `name`, in the form's default language."""
        if not self.protocol.has_question(name) or value is None:
            return ""
        question = self.protocol.question(name)
        lang = self.protocol.default_language
        return " ".join(self.protocol.choice_label(question.list_name or "", n, lang) for n in str(value).split())

    def choices(self, name: str) -> tuple[Choice, ...]:
        """The choices question `name` offers now: its list, narrowed by its choice_filter, which is
        evaluated for each choice with the choice's columns (name, label, its own) as bare words."""
        question = self.protocol.question(name)
        listed = self.protocol.choices.get(question.list_name or "", ())
        if not question.choice_filter:
            return listed
        expression = compiled_filter(question.choice_filter, filter_fields(listed))
        lang = self.protocol.default_language
        lookup, position = self._scope(name)
        return tuple(
            choice
            for choice in listed
            if expression.truthy(
                lookup,
                today=self._today,
                fields={"name": choice.name, "label": pick(choice.labels, lang), **choice.filters},
                choice_name=self._choice_name,
                position=position,
                nodeset=self._nodeset,
            )
        )

    # -- relevance and calculations ------------------------------------------------------------

    def _refresh(self) -> None:
        """Recompute relevance and calculations after any change (a form is small: ~60 questions,
        and a repeat's few questions for each of its instances)."""
        refused = self.consent_refused
        relevant: dict[str, bool] = {}
        for index, question in enumerate(self.protocol.questions):
            if question.repeat is not None:
                continue  # with its repeat, below
            if refused and index > self._consent_index:  # type: ignore[operator]
                # a refusal ends the interview even if a form forgot its relevant column; only a
                # note that is explicitly conditional (the refusal notice) may still show
                relevant[question.name] = (
                    question.type == "note" and bool(question.relevant) and self._conditions_hold(question.name)
                )
            else:
                relevant[question.name] = self._conditions_hold(question.name)
            if question.is_repeat:
                for instance in self.instances(question.name):
                    for inner in self.protocol.repeated(question.name):
                        answer_key = repeats.key(inner.name, instance)
                        relevant[answer_key] = relevant[question.name] and self._conditions_hold(answer_key)
        self._relevant = relevant
        if not self.editable:
            return
        for repeat in self.protocol.repeats:
            if repeat.repeat_count and relevant.get(repeat.name) and self._follow_count(repeat):
                self._reload(repeat.name)
                return  # the reload refreshed everything with the new instances
        for answer_key in self.keys():
            question = self.protocol.question(answer_key)
            if question.type == "calculate" and question.calculation:
                lookup, position = self._scope(answer_key)
                result = compiled(question.calculation).evaluate(
                    lookup,
                    current=self.value(answer_key),  # what once() keeps
                    today=self._today,
                    choice_name=self._choice_name,
                    position=position,
                    nodeset=self._nodeset,
                )
                self._save(answer_key, _calculated(result))

    def _conditions_hold(self, key: str) -> bool:
        return all(self._truthy(c, key) for c in self.protocol.question(key).relevant)

    # -- writing -----------------------------------------------------------------------------

    def set_value(self, name: str, value: object) -> bool:
        """Save an answer (typed by its question); returns whether anything changed."""
        return self._save(name, value)

    def type_value(self, name: str, value: object) -> bool:
        """What the fieldworker typed: saved if it fits the question's type, else kept aside as a
        `rejected` value (an issue, nothing written). Typing into a question marked skipped /
        refused / don't know means it is answered after all: the marker is cleared in the same
        save (one transaction, both changes audited). Returns whether anything was written."""
        question = self.protocol.question(name)
        try:
            to_stored(question.type, value)
        except ValueProblem as problem:
            self.rejected[name] = (str(value), problem)
            self._refresh()
            return False
        self.rejected.pop(name, None)
        if self.marker(name) and value is not None:
            changed = self.store.save_answer(self.id, name, value, marker=None)
        else:
            changed = self.store.save_answer(self.id, name, value)
        if changed:
            self._reload(name)
        return changed

    def set_marker(self, name: str, marker: str | None) -> bool:
        if marker is not None:
            self.rejected.pop(name, None)  # the marker is the answer; what was typed is moot
        changed = self.store.save_answer(self.id, name, marker=marker)
        if changed:
            self._reload(name)
        return changed

    def set_note(self, name: str, note: str) -> bool:
        changed = self.store.save_answer(self.id, name, note=note)
        if changed:
            self._reload(name)
        return changed

    def case_mismatch(self) -> CaseMismatch | None:
        """The respondent's stated case against the community the interview is filed under."""
        if not self.is_relevant(CASE_QUESTION):
            return None
        communities = [c.id for c in self.store.communities()]
        return case_mismatch(self.protocol, self.value(CASE_QUESTION), self.interview.community_id, communities)

    def move_to_community(self, community_id: str | None) -> None:
        """File the interview under another community (audited), when the respondent's case is right."""
        self.store.set_interview_community(self.id, community_id)
        self.interview = self.store.interview(self.id)

    def add_time(self, name: str, seconds: float) -> None:
        """Paradata: `name` is a question, or INTERVIEW_TIME for the whole screen."""
        if self.editable:
            self.store.add_question_time(self.id, name, seconds)

    def recorded_seconds(self) -> float:
        times = self.store.question_times(self.id)
        return times[INTERVIEW_TIME].seconds if INTERVIEW_TIME in times else 0.0

    def _save(self, key: str, value: object) -> bool:
        changed = self.store.save_answer(self.id, key, value)
        if changed:
            self._reload(key)
        return changed

    def _reload(self, name: str) -> None:
        answer = self.store.answer(self.id, name)
        if answer is not None:
            self.answers[name] = answer
        self._refresh()
        percent = self.progress()
        if percent != self._stored_progress and self.editable:
            self.store.set_progress(self.id, percent)
            self._stored_progress = percent

    def apply_community(self, community_id: str, name: str) -> None:
        """A community profile starts with its community's code and name filled in (once, when new)."""
        for question, value in ((COMMUNITY_ID_QUESTION, community_id), (COMMUNITY_NAME_QUESTION, name)):
            if self.protocol.has_question(question) and self.value(question) is None and value:
                self.set_value(question, value)

    def record_metadata(self, values: dict[str, str]) -> None:
        """Fill the form's metadata rows (start, today, deviceid…) that have no value yet."""
        if not self.editable:
            return
        for question in self.protocol.questions:
            value = values.get(question.metadata or "")
            if value and self.value(question.name) is None:
                self._save(question.name, value)

    def apply_defaults(self) -> None:
        """Fill `default` values of a brand-new interview (once, before anything is typed), and the
        metadata rows known when it starts."""
        self.record_metadata(metadata.opening_values(self.interview))
        for question in self.protocol.questions:
            if question.repeat is not None:
                continue  # filled when an instance is added
            if question.default and question.name not in self.answers and question.type not in ("note", "calculate"):
                try:
                    self.set_value(question.name, question.default)
                except (
                    ValueError
                ):  # a default that does not fit its type (ValueProblem, ExpressionError) is not applied
                    continue

    # -- validation and progress -------------------------------------------------------------

    def issue(self, name: str, lang: str = "zh") -> Issue | None:
        question = self.protocol.question(name)
        if question.is_repeat:
            return self._repeat_issue(question, lang)
        if not question.holds_value or question.type == "calculate" or not self.is_relevant(name):
            return None
        if self.marker(name):
            return None  # skipped / refused / don't know is an answer
        if name in self.rejected:
            _typed, problem = self.rejected[name]
            stored = self.value(name)
            message = problem.text
            if stored is not None:
                message = message + Text(
                    f"（未保存；保存的仍是 {_shown(stored)}）",
                    f" (Not saved; the saved answer is still {_shown(stored)}.)",
                )
            return Issue(name, "type", message.en if lang == "en" else message.zh)
        value = self.value(name)
        if value is None or value == "":
            if question.required:
                text = pick(question.required_message, lang, self.protocol.default_language)
                return Issue(name, "required", text or _REQUIRED_DEFAULT.get(lang, _REQUIRED_DEFAULT["zh"]))
            return None
        if question.constraint and not self._truthy(question.constraint, name, current=value):
            text = pick(question.constraint_message, lang, self.protocol.default_language)
            return Issue(name, "constraint", text or _CONSTRAINT_DEFAULT.get(lang, _CONSTRAINT_DEFAULT["zh"]))
        if question.choice_filter:
            # an answer given before the filter's question changed: ODK would drop it; here it is
            # kept and shown as an issue, so nothing typed is lost without the fieldworker seeing it
            offered = {choice.name for choice in self.choices(name)}
            if any(chosen not in offered for chosen in str(value).split()):
                return Issue(name, "constraint", str(_NOT_OFFERED.en if lang == "en" else _NOT_OFFERED.zh))
        return None

    def check_value(self, name: str, value: object, lang: str = "zh") -> Issue | None:
        """Would this value be valid? (Used while typing, before saving.)"""
        question = self.protocol.question(name)
        try:
            stored = to_stored(question.type, value)
        except ValueProblem as problem:
            return Issue(name, "type", problem.text.en if lang == "en" else problem.text.zh)
        if stored is None or not question.constraint:
            return None
        current = from_stored(question.type, stored)
        if self._truthy(question.constraint, name, current=current):
            return None
        text = pick(question.constraint_message, lang, self.protocol.default_language)
        return Issue(name, "constraint", text or _CONSTRAINT_DEFAULT.get(lang, _CONSTRAINT_DEFAULT["zh"]))

    def _repeat_issue(self, repeat: Question, lang: str) -> Issue | None:
        """A repeat_count repeat holding more instances than it asks for (answers kept, see
        `_follow_count`); a required repeat with none."""
        if not self.is_relevant(repeat.name):
            return None
        listed = self.instances(repeat.name)
        want = self.expected_instances(repeat.name)
        if want is not None and len(listed) > want:
            text = _too_many(len(listed), want)
            return Issue(repeat.name, "constraint", text.en if lang == "en" else text.zh)
        return None

    def issues(self, lang: str = "zh") -> list[Issue]:
        return [i for key in self.keys() if (i := self.issue(key, lang)) is not None]

    def _counted(self, name: str) -> bool:
        question = self.protocol.question(name)
        return question.holds_value and question.type != "calculate" and self.is_relevant(name)

    def _answered(self, name: str) -> bool:
        answer = self.answers.get(name)
        return answer is not None and not answer.is_empty

    def section_progress(self, section: Section, lang: str = "zh") -> SectionProgress:
        counted = [n for n in self.keys(section.questions) if self._counted(n)]
        repeat_issues = sum(
            self._repeat_issue(q, lang) is not None
            for q in map(self.protocol.question, section.questions)
            if q.is_repeat
        )
        return SectionProgress(
            answered=sum(self._answered(n) for n in counted),
            total=len(counted),
            issues=sum(self.issue(n, lang) is not None for n in counted) + repeat_issues,
        )

    def progress(self) -> int:
        counted = [key for key in self.keys() if self._counted(key)]
        if not counted:
            return 100
        return round(100 * sum(self._answered(n) for n in counted) / len(counted))

    def finalize(self) -> None:
        # metadata rows: `end` is the moment of finalising; the opening ones in case nothing filled them
        self.record_metadata({**metadata.opening_values(self.interview), **metadata.closing_value(self.store.now())})
        self.store.finalize(self.id, outcome="consent_refused" if self.consent_refused else None)
        self.interview = self.store.interview(self.id)


def _is_default(question: Question, stored: object) -> bool:
    if question.default is None:
        return False
    try:
        return to_stored(question.type, question.default) == stored
    except ValueProblem:
        return False


def _shown(value: object) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if not value.second else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _calculated(result: object) -> object:
    if isinstance(result, bool):
        return "true" if result else "false"
    if isinstance(result, float) and result != result:  # NaN: nothing to store
        return None
    if isinstance(result, float) and result.is_integer():
        return str(int(result))
    if isinstance(result, (dt.date, dt.time)):
        return result.isoformat()
    return None if result is None else str(result)


__all__ = [
    "COMMUNITY_ID_QUESTION",
    "COMMUNITY_NAME_QUESTION",
    "INTERVIEW_TIME",
    "UNSET",
    "InterviewSession",
    "Issue",
    "SectionProgress",
    "question_numbers",
]
