"""The rows of the store as plain values the rest of the app passes around."""

from __future__ import annotations

from typing import NamedTuple, NewType

InterviewId = NewType("InterviewId", str)

STATUSES = ("draft", "completed", "approved", "rejected")
EDITABLE_STATUSES = ("draft", "rejected")  # a fieldworker may change answers only in these
MARKERS = ("skipped", "refused", "dont_know")  # distinct from an empty answer


class Interview(NamedTuple):
    """A tuple, not a dataclass: the home list builds thousands of these at start-up."""

    id: InterviewId
    protocol_sha256: str
    protocol_id: str
    protocol_version: str
    respondent_role: str
    community_id: str | None
    fieldworker: str
    device_id: str
    status: str
    started_at: str
    ended_at: str | None
    updated_at: str
    last_question: str | None
    outcome: str | None = None  # 'consent_refused' when the respondent declined
    progress: int = 0  # percent of relevant questions answered


class ListedInterview(NamedTuple):
    """An interview as the home list shows it: only what the list needs, read in one lean query
    (the list is read at start-up, often thousands of rows)."""

    id: InterviewId
    protocol_sha256: str
    protocol_id: str
    protocol_version: str
    respondent_role: str
    community_id: str | None
    fieldworker: str
    status: str
    started_at: str
    updated_at: str
    outcome: str | None
    progress: int


OUTCOMES = ("consent_refused",)

# The records below are tuples too: a frozen dataclass costs about a millisecond to define (its
# methods are generated and compiled when the module is imported), paid at every start-up.


class Answer(NamedTuple):
    question: str
    value: object  # str, int or float as stored; None when empty
    marker: str | None
    note: str | None
    updated_at: str
    updated_by: str

    @property
    def is_empty(self) -> bool:
        return self.marker is None and (self.value is None or self.value == "")


class AuditEntry(NamedTuple):
    id: int
    at: str
    user: str
    device_id: str
    interview_id: str
    question: str | None
    field: str
    old: object
    new: object


class Community(NamedTuple):
    id: str
    name: str
    created_at: str


class QuestionTime(NamedTuple):
    question: str
    seconds: float
    visits: int


# The interview row as packages carry and hash it (core/exchange/content_hash.py), and the columns
# kept with it on each laptop but not hashed.
INTERVIEW_FIELDS = (
    "id",
    "protocol_sha256",
    "protocol_id",
    "protocol_version",
    "respondent_role",
    "community_id",
    "fieldworker",
    "device_id",
    "status",
    "started_at",
    "ended_at",
    "updated_at",
    "outcome",
)
LOCAL_FIELDS = ("last_question", "progress")  # carried with the version, not hashed
