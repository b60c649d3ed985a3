"""ODK's metadata rows (start, end, today, deviceid, username): recorded for the interview, never asked.

A form from ODK or Kobo lists them as survey rows. Yingzao keeps each as a question that is never
shown (like a calculate row) and fills it from what the store already knows about the interview, so
it is exported like any answer under the name the form gave it.
"""

from __future__ import annotations

import datetime as dt

from yingzao.core.errors import Text
from yingzao.core.store.records import Interview

RECORDED = ("start", "end", "today", "deviceid", "username")
# accepted, but recorded by nothing beyond what Yingzao keeps anyway: why, for the form's author
NOT_RECORDED: dict[str, Text] = {
    "audit": Text(
        "营造自己记录每道题的用时（访谈过程数据），不另作 ODK 审计日志",
        "Yingzao keeps its own paradata (time spent on each question) instead of an ODK audit log",
    ),
    "simserial": Text("ODK Collect 也不再记录它", "ODK Collect no longer records it either"),
    "subscriberid": Text("ODK Collect 也不再记录它", "ODK Collect no longer records it either"),
    "phonenumber": Text("ODK Collect 也不再记录它", "ODK Collect no longer records it either"),
    "email": Text("营造没有服务器账户，不记录电子邮件", "Yingzao has no server account, so no email is recorded"),
}
TYPES = frozenset(RECORDED) | frozenset(NOT_RECORDED)


def _moment(stamp: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def opening_values(interview: Interview) -> dict[str, str]:
    """What is known when the interview starts: its start, its (local) date, device and fieldworker."""
    values = {"start": interview.started_at, "deviceid": interview.device_id, "username": interview.fieldworker}
    moment = _moment(interview.started_at)
    if moment is not None:
        values["today"] = (moment.astimezone() if moment.tzinfo else moment).date().isoformat()
    return values


def closing_value(now: str) -> dict[str, str]:
    """What is known when the interview is finalised: its end, in the store's clock."""
    return {"end": now}
