"""The store as the only writer of interviews, answers, audit and paradata: its cache of interview
state stays right through merges, decisions and other connections, and its read snapshot."""

from __future__ import annotations

import pytest

from yingzao.core.errors import StoreError
from yingzao.core.exchange.conflicts import INTERVIEW_ROW, resolve_conflict
from yingzao.core.exchange.merge import accept_device, merge_packages
from yingzao.core.exchange.review_package import pack_review
from yingzao.core.review import decisions as review
from yingzao.core.review.comments import REVIEW_FIELD
from yingzao.core.store.database import Store

from tests.core.test_merge import conflicted
from tests.laptops import Laptop, join, laptop_template, make_project  # noqa: F401  (fixture)


@pytest.fixture
def sent_back(laptop_template, tmp_path):  # noqa: F811
    """王芳's finalised interview, sent back by 李督导 in a review package not yet merged on her laptop."""
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    interview_id = wang.interview(answers=2)
    wang.store.finalize(interview_id)
    with Store(tmp_path / "master.db", user="李督导") as supervisor:
        join(wang.store, make_project(supervisor))
        merge_packages(supervisor, [wang.pack(tmp_path / "s1.yzpack")])
        accept_device(supervisor, wang.store.device_id)
        review.send_back(supervisor, interview_id, "请补充")
        assert pack_review(supervisor, tmp_path / "back.yzpack") is not None
    yield wang, interview_id, tmp_path / "back.yzpack"
    wang.close()


def _refused(wang: Laptop, interview_id: str) -> None:
    with pytest.raises(StoreError) as refused:
        wang.edit(interview_id, 0, "改了")
    assert refused.value.code == "interview_read_only"


def test_a_merge_in_the_same_store_is_seen_by_the_next_save(sent_back):
    wang, interview_id, back = sent_back
    _refused(wang, interview_id)  # finalised: the store now holds it as completed
    assert merge_packages(wang.store, [back]).packages[0].updated == 1
    wang.edit(interview_id, 0, "改了")  # sent back by the merge: editable again, with no repair call
    assert wang.store.answer(interview_id, wang.texts[0]).value == "改了"


def test_a_merge_through_another_connection_is_seen_by_the_next_save(sent_back):
    # as the app does: the merge dialog merges on its own connection in a worker thread
    wang, interview_id, back = sent_back
    _refused(wang, interview_id)
    with Store(wang.path, user="王芳") as other:
        assert merge_packages(other, [back]).packages[0].updated == 1
    wang.edit(interview_id, 0, "改了")
    assert wang.store.answer(interview_id, wang.texts[0]).value == "改了"


def test_a_finalisation_through_another_connection_stops_the_next_save(laptop_template, tmp_path):  # noqa: F811
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    interview_id = wang.interview(answers=1)  # a draft in the store's cache
    with Store(wang.path, user="王芳") as other:
        other.finalize(interview_id)
    _refused(wang, interview_id)
    assert wang.store.answer(interview_id, wang.texts[0]).value == "回答0"
    wang.close()


def test_a_status_change_is_written_only_from_the_status_it_was_decided_on(sent_back):
    wang, interview_id, _ = sent_back
    store = wang.store
    before = len(store.audit_log(interview_id))
    assert not store.writes.change_status(interview_id, "approved", "completed", REVIEW_FIELD, store.now())
    assert store.interview(interview_id).status == "completed" and len(store.audit_log(interview_id)) == before
    assert store.writes.change_status(interview_id, "completed", "rejected", REVIEW_FIELD, store.now())
    assert store.interview(interview_id).status == "rejected"
    last = store.audit_log(interview_id)[-1]
    assert (last.field, last.old, last.new, last.user) == (REVIEW_FIELD, "completed", "rejected", "王芳")
    wang.edit(interview_id, 0, "改了")  # the cache followed the change


def test_a_snapshot_reads_one_state_while_another_connection_writes(laptop_template, tmp_path):  # noqa: F811
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    interview_id = wang.interview(answers=1)
    question = wang.texts[0]
    with Store(wang.path, user="王芳") as other:
        with wang.store.snapshot() as store:
            assert store.answer(interview_id, question).value == "回答0"
            other.save_answer(interview_id, question, "新的")
            assert store.answer(interview_id, question).value == "回答0"
        assert wang.store.answer(interview_id, question).value == "新的"
    wang.close()


def test_a_snapshot_inside_a_transaction_is_that_transaction(laptop_template, tmp_path):  # noqa: F811
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    interview_id = wang.interview(answers=1)
    with wang.store.transaction():
        wang.edit(interview_id, 0, "在事务里")
        with wang.store.snapshot():
            assert wang.store.answer(interview_id, wang.texts[0]).value == "在事务里"
        wang.edit(interview_id, 1, "之后")  # still inside the transaction, which commits both
    assert not wang.store.conn.in_transaction
    assert wang.store.answer(interview_id, wang.texts[1]).value == "之后"
    wang.close()


def test_a_write_inside_a_snapshot_is_refused_not_lost(laptop_template, tmp_path):  # noqa: F811
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    interview_id = wang.interview(answers=1)
    with pytest.raises(RuntimeError, match="read snapshot"), wang.store.snapshot():
        wang.edit(interview_id, 0, "丢失")
    assert wang.store.answer(interview_id, wang.texts[0]).value == "回答0"
    wang.edit(interview_id, 0, "之后")  # the snapshot is over: writing works again
    assert wang.store.answer(interview_id, wang.texts[0]).value == "之后"
    wang.close()


def test_a_conflict_resolution_is_seen_by_the_next_save(make_laptop, master, tmp_path):
    wang, _copy, interview_id, label = conflicted(make_laptop, master, tmp_path)
    question = wang.texts[3]
    assert master.save_answer(interview_id, question, "研究者补的")  # the copy's draft is shown: editable
    resolve_conflict(master, interview_id, {INTERVIEW_ROW: label["王芳"]})  # 王芳's row: completed
    with pytest.raises(StoreError) as refused:
        master.save_answer(interview_id, question, "再改")
    assert refused.value.code == "interview_read_only"
    assert master.answer(interview_id, question).value == "研究者补的"


def test_communities_a_package_carries_are_added_never_renamed(make_laptop, master, tmp_path):
    wang = make_laptop("wang", "王芳")
    wang.interview(answers=1, community="A")
    merge_packages(master, [wang.pack(tmp_path / "first.yzpack")])
    li = make_laptop("li", "李强")
    li.store.add_community("A", "阿村")
    new = li.store.add_community("C", "C社区")
    li.interview(answers=1, community="A")
    li.interview(answers=1, community="C")
    line = merge_packages(master, [li.pack(tmp_path / "second.yzpack")]).packages[0]
    assert master.community("A").name == "A社区" and master.community("C") == new
    assert line.notes == ["社区 A 在这个数据包中叫“阿村”，在主数据库中叫“A社区”；保留了主数据库中的名称"]
