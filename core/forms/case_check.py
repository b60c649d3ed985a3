"""Does the respondent's stated case agree with the community the interview is filed under?

An interview is filed under a community when it is started; the respondent then says which case the
interview concerns (`resp_case`). When the two differ, one of them is wrong, and every per-community
sheet of the export would count the interview in the wrong place. The interview screen asks the
fieldworker which is right as soon as the answer is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from yingzao.core.forms.protocol import Protocol

CASE_QUESTION = "resp_case"
DISCUSSED_QUESTION = "communities_discussed"  # above community level: which communities the answers are about
_PREFIX = "community_"  # the first protocols named their choices community_a, community_b


@dataclass(frozen=True)
class CaseMismatch:
    stated: str  # the community the respondent named
    filed: str | None  # the interview's community, None when it has none
    answer: str  # the choice given
    matching_choice: str | None  # the choice that would name the interview's community, if any


def choice_community(choice: str, communities: list[str]) -> str | None:
    """The community a choice of the case question names ('A' or 'community_a' -> 'A'), or None for
    a choice that names none (city level, other)."""
    wanted = choice[len(_PREFIX) :] if choice.lower().startswith(_PREFIX) else choice
    return next((c for c in communities if c.lower() == wanted.lower()), None)


def case_mismatch(protocol: Protocol, answer: object, filed: str | None, communities: list[str]) -> CaseMismatch | None:
    """The disagreement, if there is one. `communities`: the ids of the project's communities."""
    if not protocol.has_question(CASE_QUESTION) or not isinstance(answer, str) or not answer:
        return None
    stated = choice_community(answer, communities)
    if stated is None or stated == filed:
        return None
    question = protocol.question(CASE_QUESTION)
    choices = protocol.choices.get(question.list_name or "", ())
    matching = next((c.name for c in choices if filed and choice_community(c.name, [filed]) == filed), None)
    return CaseMismatch(stated, filed, answer, matching)


def communities_discussed(answer: object, communities: list[str]) -> tuple[str, ...]:
    """The communities a `communities_discussed` answer names, in the project's order."""
    if not isinstance(answer, str):
        return ()
    chosen = {choice_community(part, communities) for part in answer.split()}
    return tuple(c for c in communities if c in chosen)
