"""Answer keys as people read them, for the review and coding screens.

A repeated question's answer is kept under `question#instance` (yingzao.core.forms.repeats), which
means nothing to a supervisor or a researcher. Wherever such a key is shown — a review card, a
quality flag, the coding document, a search hit, a matrix segment, a coder comparison — it reads
as the question's number and label with the entry's position in its repeat, e.g.
"2.3.1 组织名称？ · 第 2 项" / "2.3.1 Organisation's name? · Entry 2", from the one function here,
so every screen says the same. A key whose instance is no longer listed (removed after it was
commented or coded) reads "已删除的项" / "removed entry" instead of a position.

Positions come from the repeat's own row (its list of instances, in order), never from the keys
that happen to hold answers: removed instances may leave empty rows behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from yingzao.core.forms import repeats
from yingzao.core.forms.engine import question_numbers
from yingzao.core.forms.protocol import Protocol, pick
from yingzao.core.store.database import Store
from yingzao.core.store.records import Answer

SEPARATOR = " · "
_ENTRY = {"zh": "第 {n} 项", "en": "Entry {n}"}
_REMOVED = {"zh": "已删除的项", "en": "removed entry"}


def repeat_of(protocol: Protocol, key: str) -> str | None:
    """The repeat a key's instance belongs to (None: the key is not a repeated question's)."""
    name, instance = repeats.split(key)
    question = protocol.named(name)
    if instance is None or question is None:
        return None
    return question.repeat


def instance_lists(protocol: Protocol, answers: Mapping[str, Answer]) -> dict[str, list[str]]:
    """Each repeat of the protocol -> its instances in order, read from the repeat's own row."""
    found: dict[str, list[str]] = {}
    for repeat in protocol.repeats:
        answer = answers.get(repeat.name)
        found[repeat.name] = repeats.instances(answer.value if answer is not None else None)
    return found


def answerable_keys(protocol: Protocol, lists: Mapping[str, Sequence[str]]) -> list[str]:
    """The keys of every answer a person gives (not notes, calculations or a repeat's own list), in
    the form's order: a question asked once per interview by its name, a repeated question once
    per listed instance, instance after instance."""
    keys: list[str] = []
    for question in protocol.questions:
        if question.repeat is not None:
            continue  # reached through its repeat
        if question.is_repeat:
            inner = [q.name for q in protocol.repeated(question.name) if q.holds_value and q.type != "calculate"]
            for instance in lists.get(question.name, ()):
                keys.extend(repeats.key(name, instance) for name in inner)
        elif question.holds_value and question.type != "calculate":
            keys.append(question.name)
    return keys


def entry_position(key: str, instances: Sequence[str]) -> int | None:
    """The 1-based position of a key's instance among its repeat's `instances` (None: not listed)."""
    instance = repeats.split(key)[1]
    if instance is None or instance not in instances:
        return None
    return list(instances).index(instance) + 1


def entry_label(position: int | None, lang: str) -> str:
    """'第 2 项' / 'Entry 2'; for an instance no longer listed, '已删除的项' / 'removed entry'."""
    words = "zh" if lang == "zh" else "en"
    if position is None:
        return _REMOVED[words]
    return _ENTRY[words].format(n=position)


def question_label(
    protocol: Protocol,
    key: str,
    instances: Sequence[str] = (),
    lang: str = "zh",
    *,
    numbers: Mapping[str, str] | None = None,
    text: bool = True,
) -> str:
    """How an answer key reads: '2.3.1 组织名称？ · 第 2 项' for an instance's answer, '1.2 问题？' for
    any other. `instances`: the key's repeat's instances in order (unused for other keys);
    `numbers`: question_numbers(protocol), when many labels are made; `text=False` leaves the
    label out ('2.3.1 · 第 2 项'), for lists of places such as a quality flag's. A key this
    protocol does not know is shown as it is."""
    name, instance = repeats.split(key)
    question = protocol.named(name)
    if question is None:
        return key
    if numbers is None:
        numbers = question_numbers(protocol)
    number = numbers.get(question.name, "")
    wording = pick(question.labels, lang, protocol.default_language) or question.name
    shown = f"{number} {wording}".strip() if text else (number or question.name)
    if instance is None or question.repeat is None:
        return shown
    return shown + SEPARATOR + entry_label(entry_position(key, instances), lang)


def instance_heading(
    protocol: Protocol, repeat: str, position: int | None, lang: str, *, numbers: Mapping[str, str] | None = None
) -> str:
    """The heading of one instance: '2.3 各个组织 · 第 2 项'."""
    return question_label(protocol, repeat, (), lang, numbers=numbers) + SEPARATOR + entry_label(position, lang)


def stored_instances(store: Store, interview_id: str, protocol: Protocol, key: str) -> list[str]:
    """The instances of the repeat a key belongs to, as the interview holds them now ([] for a key
    outside any repeat)."""
    repeat = repeat_of(protocol, key)
    if repeat is None:
        return []
    answer = store.answer(interview_id, repeat)
    return repeats.instances(answer.value if answer is not None else None)


def interview_question_label(store: Store, interview_id: str, key: str, lang: str, *, text: bool = True) -> str:
    """`question_label` of a key of a stored interview (its protocol and instances read here)."""
    protocol = store.protocol(store.interview(interview_id).protocol_sha256)
    return question_label(protocol, key, stored_instances(store, interview_id, protocol, key), lang, text=text)
