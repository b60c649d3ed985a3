"""The review queue's model without Qt: rows, filters, sort order, counts and updates."""

from __future__ import annotations

import pytest

from yingzao.core.review import decisions as review
from yingzao.core.review import quality
from yingzao.core.review.queue import NO_FLAG, SHOW_ALL, QueueFilter, QueueRow, ReviewQueue, load_rows

from tests.laptops import make_project


def row(
    n: int,
    *,
    status="completed",
    fieldworker="王芳",
    community="A",
    role="official",
    protocol="yz_official",
    flags=(),
    ended=None,
    seconds=1800.0,
    comments=0,
) -> QueueRow:
    return QueueRow(
        f"id{n:02d}",
        status,
        fieldworker,
        community,
        role,
        protocol,
        "2026.1",
        "sha",
        "2021-01-01T00:00:00Z",
        ended or f"2021-01-{n + 1:02d}T00:00:00Z",
        "2021-02-01T00:00:00Z",
        None,
        seconds,
        comments,
        flags,
    )


@pytest.fixture
def queue():
    rows = [
        row(0),
        row(1, status="approved"),
        row(2, status="rejected", fieldworker="李强"),
        row(3, community="B", role="cadre", protocol="yz_cadre", flags=("short_answers",)),
        row(4, community=None, fieldworker="李强", flags=("missing_required", "short_interview"), seconds=None),
        row(5, comments=2),
    ]
    return ReviewQueue(rows)


def ids(queue: ReviewQueue) -> list[str]:
    return [r.id for r in queue.rows()]


def test_the_queue_shows_what_waits_for_a_decision_oldest_first(queue):
    assert ids(queue) == ["id00", "id03", "id04", "id05"]
    assert queue.total == 6 and len(queue) == 4
    assert queue.counts() == {"completed": 4, "approved": 1, "rejected": 1, "flagged": 2, "shown": 4}


def test_every_filter_and_their_combination(queue):
    assert queue.set_filter(SHOW_ALL) and len(queue) == 6
    assert not queue.set_filter(SHOW_ALL)  # unchanged: nothing to do
    queue.set_filter(fieldworkers=frozenset({"李强"}))
    assert ids(queue) == ["id02", "id04"]
    queue.set_filter(SHOW_ALL, communities=frozenset({""}))  # no community
    assert ids(queue) == ["id04"]
    queue.set_filter(SHOW_ALL, roles=frozenset({"cadre"}))
    assert ids(queue) == ["id03"]
    queue.set_filter(SHOW_ALL, protocols=frozenset({"yz_official"}))
    assert ids(queue) == ["id00", "id01", "id02", "id04", "id05"]
    queue.set_filter(SHOW_ALL, flags=frozenset({"short_interview", "short_answers"}))
    assert ids(queue) == ["id03", "id04"]
    queue.set_filter(SHOW_ALL, flags=frozenset({NO_FLAG}))
    assert ids(queue) == ["id00", "id01", "id02", "id05"]
    queue.set_filter(
        QueueFilter(statuses=frozenset({"completed"}), fieldworkers=frozenset({"王芳"}), flags=frozenset({NO_FLAG}))
    )
    assert ids(queue) == ["id00", "id05"]
    queue.set_filter(QueueFilter())
    assert queue.filter.is_default


def test_sorting_by_any_column_keeps_the_filter(queue):
    queue.sort("ended", descending=True)
    assert ids(queue) == ["id05", "id04", "id03", "id00"]
    queue.sort("duration")
    assert ids(queue)[0] == "id04"  # unknown duration first
    queue.sort("comments", descending=True)
    assert ids(queue)[0] == "id05"
    queue.sort("flags", descending=True)
    assert ids(queue)[:2] == ["id04", "id03"]
    queue.sort("community")
    assert ids(queue) == ["id04", "id00", "id05", "id03"]  # '' < A < B, then oldest first
    with pytest.raises(ValueError):
        queue.sort("nonsense")


def test_text_columns_sort_by_the_words_the_ui_shows(queue):
    names = {"A": "乙社区", "B": "甲社区", None: "（无）"}
    pinyin = {"乙社区": 2, "甲社区": 1, "（无）": 0}
    words = ReviewQueue(queue.all_rows(), label=lambda column, r: names[r.community_id], text_key=pinyin.get)
    words.sort("community")
    assert ids(words) == ["id04", "id03", "id00", "id05"]


def test_updates_positions_values_and_new_flags(queue):
    assert queue.position("id03") == 1 and queue.position("id01") is None
    queue.update(row(0, status="approved"))  # approved: leaves the queue
    assert ids(queue) == ["id03", "id04", "id05"] and queue.get("id00").status == "approved"
    queue.update(row(9))
    assert ids(queue)[-1] == "id09"
    assert queue.values("fieldworkers") == ["李强", "王芳"]
    assert queue.values("communities") == ["", "A", "B"]
    queue.set_filter(flags=frozenset({"empty_section"}))
    assert ids(queue) == []
    queue.set_flags({"id05": ("empty_section",)})
    assert ids(queue) == ["id05"] and queue.get("id03").flags == ()


def test_rows_come_from_the_store_with_durations_comments_and_cached_flags(library_store):
    store, library = library_store
    store.add_community("A", "A社区")
    protocol = library.by_role("official")[0]
    done = store.start_interview(protocol.sha256, community_id="A")
    store.add_question_time(done, "__interview__", 1234.5)
    store.finalize(done)
    store.start_interview(protocol.sha256)  # a draft: not in the queue
    make_project(store)
    review.add_comment(store, done, None, "请补充")
    quality.refresh_flags(store)
    [loaded] = load_rows(store)
    assert (loaded.id, loaded.status, loaded.community_id, loaded.role, loaded.protocol_id) == (
        done,
        "completed",
        "A",
        "official",
        "yz_official",
    )
    assert loaded.seconds == 1234.5 and loaded.comments == 1
    assert loaded.flags == quality.cached_flags(store)[done] and "missing_required" in loaded.flags
    assert load_rows(store, ids=[done]) == [loaded]
