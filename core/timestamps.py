"""Times as stored (UTC, ISO 8601 with milliseconds and a Z) and as people read them (local)."""

from __future__ import annotations

import datetime as dt


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def after(previous: str, now: str) -> str:
    """`now`, or a millisecond after `previous` when the clock has not moved past it: a new version
    of a record must sort after the one it replaces (merges keep the later one)."""
    if now > previous:
        return now
    try:
        moment = dt.datetime.fromisoformat(previous.replace("Z", "+00:00")) + dt.timedelta(milliseconds=1)
    except ValueError:
        return now
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_local(stamp: str | None, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """A stored timestamp in local time (this computer's zone unless `tz`), without a zone and
    whole seconds, as a spreadsheet or a list shows it; None when empty or unreadable."""
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0)
