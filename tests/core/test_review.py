"""Supervisor review without Qt: decisions, comment threads, who may do what, and the round trip of
a review package between a supervisor's master and a fieldworker's laptop."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from yingzao import main
from yingzao.core.errors import PackageError, ReviewError
from yingzao.core.exchange.content_hash import load_version
from yingzao.core.exchange.merge import accept_device, merge_packages
from yingzao.core.exchange.package import INTERVIEWS, MANIFEST
from yingzao.core.exchange.review_package import pack_review, pending_by_fieldworker, pending_reviews
from yingzao.core.exchange.unpack import read_package
from yingzao.core.review import decisions as review
from yingzao.core.review.comments import COMMENT_FIELD, REVIEW_FIELD
from yingzao.core.security import membership
from yingzao.core.store.database import Store

from tests.core.test_package import rewrite
from tests.laptops import Laptop, join, laptop_template, make_project, package_zip  # noqa: F401  (fixture)

# these tests read the errors' English text
pytestmark = pytest.mark.usefixtures("english_errors")

SUPERVISOR = "supervisor"


@pytest.fixture
def field(laptop_template, tmp_path):  # noqa: F811
    """王芳's laptop with one finalised interview, merged into 李督导's master."""
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    master = Store(tmp_path / "master.db", user="李督导")
    join(wang.store, make_project(master))  # the master's key is a supervisor's
    interview_id = wang.interview(answers=3)
    wang.store.finalize(interview_id)
    assert merge_packages(master, [wang.pack(tmp_path / "s1.yzpack")]).packages[0].status == "held"
    only(accept_device(master, wang.store.device_id))
    yield wang, master, interview_id
    wang.close()
    master.close()


def only(report):
    assert len(report.packages) == 1 and report.packages[0].status == "merged", report.packages[0].reason
    return report.packages[0]


def test_approve_send_back_and_reopen_move_the_status_and_are_audited(field):
    _, master, interview_id = field
    review.approve(master, interview_id)
    assert master.interview(interview_id).status == "approved"
    review.reopen(master, interview_id)
    assert master.interview(interview_id).status == "completed"
    reason = review.send_back(master, interview_id, "  请补充第三部分  ")
    assert master.interview(interview_id).status == "rejected"
    assert (reason.question, reason.parent_id, reason.text, reason.author) == (None, None, "请补充第三部分", "李督导")
    decisions = [(e.old, e.new, e.user, e.device_id) for e in master.audit_log(interview_id) if e.field == REVIEW_FIELD]
    assert decisions == [
        ("completed", "approved", "李督导", master.device_id),
        ("approved", "completed", "李督导", master.device_id),
        ("completed", "rejected", "李督导", master.device_id),
    ]
    comment_rows = [e for e in master.audit_log(interview_id) if e.field == COMMENT_FIELD]
    assert len(comment_rows) == 1 and json.loads(comment_rows[0].new)["text"] == "请补充第三部分"
    assert [e.new for e in review.review_history(master, interview_id)] == [
        "completed",
        "approved",
        "completed",
        "rejected",
    ]


@pytest.mark.parametrize("role", ["supervisor", "researcher", None])
def test_only_a_holder_of_a_supervisor_key_may_decide_whatever_role_is_set(field, role):
    """The laptop joined the project but holds no supervisor key; calling itself one changes nothing."""
    wang, _, interview_id = field
    wang.store.set_setting("user_role", role or "")
    for action in (
        lambda: review.approve(wang.store, interview_id),
        lambda: review.send_back(wang.store, interview_id, "理由"),
        lambda: review.add_comment(wang.store, interview_id, None, "批注"),
    ):
        with pytest.raises(ReviewError) as raised:
            action()
        assert "supervisor key" in str(raised.value)
    assert wang.store.interview(interview_id).status == "completed"
    assert not review.comments(wang.store, interview_id)


def test_decisions_need_the_right_status_and_a_reason(field):
    _, master, interview_id = field
    with pytest.raises(ReviewError, match="can be reopened only when it is approved"):
        review.reopen(master, interview_id)
    with pytest.raises(ReviewError, match="needs a reason"):
        review.send_back(master, interview_id, "   ")
    review.approve(master, interview_id)
    with pytest.raises(ReviewError, match="is approved"):
        review.send_back(master, interview_id, "理由")
    audit = len(master.audit_log(interview_id))
    with pytest.raises(ReviewError):
        review.approve(master, interview_id)
    assert len(master.audit_log(interview_id)) == audit  # a refused action writes nothing


def test_comments_form_threads_per_question(field):
    wang, master, interview_id = field
    question = wang.texts[0]
    first = review.add_comment(master, interview_id, question, "请追问时间")
    reply = review.add_comment(master, interview_id, None, "补充：还有人数", parent_id=first.id)
    deeper = review.add_comment(master, interview_id, None, "再补充", parent_id=reply.id)
    whole = review.add_comment(master, interview_id, None, "整体不错")
    assert (reply.question, reply.parent_id) == (question, first.id)  # a reply is on its thread's question
    assert deeper.parent_id == first.id  # a reply to a reply joins the thread
    threads = review.threads(review.comments(master, interview_id))
    assert [t.comment.text for t in threads[question]] == ["请追问时间"]
    assert [c.text for c in threads[question][0].replies] == ["补充：还有人数", "再补充"]
    assert [t.comment.id for t in threads[None]] == [whole.id]
    assert review.comment_counts(master) == {interview_id: 4}
    with pytest.raises(ReviewError, match="cannot be empty"):
        review.add_comment(master, interview_id, question, " ")
    with pytest.raises(ReviewError, match="no question named"):
        review.add_comment(master, interview_id, "no_such_question", "x")
    with pytest.raises(ReviewError, match="no comment"):
        review.add_comment(master, interview_id, None, "x", parent_id="nope")


def test_no_comment_on_what_the_fieldworker_may_still_change(field, tmp_path):
    wang, master, _ = field
    draft = wang.interview(answers=1)
    merge_packages(master, [wang.pack(tmp_path / "s2.yzpack")])
    with pytest.raises(ReviewError, match="is draft"):
        review.add_comment(master, draft, None, "批注")


def test_the_review_travels_to_the_laptop_and_the_revision_back_as_continuations(field, tmp_path):
    wang, master, interview_id = field
    question = wang.texts[0]
    note = review.add_comment(master, interview_id, question, "这一题太短，请补充")
    review.send_back(master, interview_id, "请补充第一题后重新提交")
    assert pending_reviews(master) == [interview_id]
    assert pending_by_fieldworker(master) == {"王芳": 1}
    summary = pack_review(master, tmp_path / "back.yzpack", fieldworker="王芳")
    assert summary.interviews == 1 and pending_reviews(master) == []
    package = read_package(tmp_path / "back.yzpack", package_zip(master, tmp_path / "back.yzpack"))
    assert package.manifest["kind"] == "review" and package.manifest["for_fieldworker"] == "王芳"
    assert package.manifest["counts"]["comments"] == 2 and package.manifest["interviews"][0]["comments"] == 2

    line = only(merge_packages(wang.store, [tmp_path / "back.yzpack"]))
    assert (line.updated, line.conflicts) == (1, [])
    assert wang.store.interview(interview_id).status == "rejected"
    assert [(c.question, c.text) for c in review.comments(wang.store, interview_id)] == [
        (question, "这一题太短，请补充"),
        (None, "请补充第一题后重新提交"),
    ]
    with pytest.raises(ReviewError, match="reply"):  # the fieldworker replies, does not start threads
        review.add_comment(wang.store, interview_id, question, "新话题")
    answer = review.add_comment(wang.store, interview_id, None, "已补充", parent_id=note.id)
    assert answer.question == question
    wang.edit(interview_id, 0, "回答0：2020年6月合并，三个村")
    wang.store.finalize(interview_id)
    with pytest.raises(ReviewError, match="completed: replies"):
        review.add_comment(wang.store, interview_id, None, "再说一句", parent_id=note.id)

    line = only(merge_packages(master, [wang.pack(tmp_path / "s2.yzpack")]))
    assert (line.updated, line.conflicts) == (1, [])  # a continuation, not a conflict
    assert master.interview(interview_id).status == "completed"
    assert master.answer(interview_id, question).value == "回答0：2020年6月合并，三个村"
    assert [c.text for c in review.comments(master, interview_id)] == [
        "这一题太短，请补充",
        "请补充第一题后重新提交",
        "已补充",
    ]
    assert load_version(master.conn, interview_id).sha256 == load_version(wang.store.conn, interview_id).sha256
    assert pending_reviews(master) == []  # the fieldworker's reply is not a review of this database

    review.approve(master, interview_id)
    pack_review(master, tmp_path / "back2.yzpack")
    assert only(merge_packages(wang.store, [tmp_path / "back2.yzpack"])).updated == 1
    assert wang.store.interview(interview_id).status == "approved"


def test_a_review_package_merged_twice_or_late_changes_nothing(field, tmp_path):
    wang, master, interview_id = field
    review.send_back(master, interview_id, "请补充")
    pack_review(master, tmp_path / "back.yzpack")
    only(merge_packages(wang.store, [tmp_path / "back.yzpack"]))
    again = merge_packages(wang.store, [tmp_path / "back.yzpack"]).packages[0]
    assert again.status == "already_merged"
    assert len(review.comments(wang.store, interview_id)) == 1


def test_a_comment_cannot_follow_an_interview_already_sent_back(field, tmp_path):
    _, master, interview_id = field
    review.send_back(master, interview_id, "请补充")
    review.add_comment(master, interview_id, None, "还有一点")  # not sent yet: fine
    pack_review(master, tmp_path / "back.yzpack")
    assert review.sent_back_at(master, interview_id)
    with pytest.raises(ReviewError, match="was sent back to its fieldworker"):
        review.add_comment(master, interview_id, None, "又一点")


def test_review_packages_take_what_was_reviewed_since_each_was_last_sent(field, laptop_template, tmp_path):  # noqa: F811
    _wang, master, first = field
    li = Laptop(laptop_template, tmp_path / "li.db", "李强")
    join(li.store, membership.project_file(master))
    second = li.interview(answers=2)
    li.store.finalize(second)
    merge_packages(master, [li.pack(tmp_path / "li.yzpack")])
    only(accept_device(master, li.store.device_id))
    assert pack_review(master, tmp_path / "none.yzpack") is None and not (tmp_path / "none.yzpack").exists()
    review.approve(master, first)
    review.add_comment(master, second, None, "不错")
    assert pending_by_fieldworker(master) == {"李强": 1, "王芳": 1}
    assert pack_review(master, tmp_path / "wang.yzpack", fieldworker="王芳").interviews == 1
    assert pending_reviews(master) == [second]  # 李强's is still waiting
    sent = read_package(tmp_path / "wang.yzpack", package_zip(master, tmp_path / "wang.yzpack"))
    assert [v.id for v in sent.versions] == [first]
    assert pack_review(master, tmp_path / "all.yzpack").interviews == 1
    assert pack_review(master, tmp_path / "again.yzpack", all_reviewed=True).interviews == 2
    li.close()


def test_a_package_whose_comments_disagree_with_its_audit_log_is_refused(field, tmp_path):
    _, master, interview_id = field
    review.send_back(master, interview_id, "请补充")
    pack_review(master, tmp_path / "back.yzpack")
    (tmp_path / "back.zip").write_bytes(package_zip(master, tmp_path / "back.yzpack"))

    def alter(members):
        line = json.loads(members[INTERVIEWS])
        line["comments"][0][-1] = "改过的批注"
        members[INTERVIEWS] = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        manifest = json.loads(members[MANIFEST])
        import hashlib

        manifest["files"][INTERVIEWS] = hashlib.sha256(members[INTERVIEWS]).hexdigest()
        members[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")

    altered = rewrite(tmp_path / "back.zip", tmp_path / "altered.yzpack", alter)
    with pytest.raises(PackageError, match="malformed"):
        read_package(altered)


def test_a_session_package_without_comments_or_coding_adds_nothing_new(field, tmp_path):
    wang, master, _ = field
    wang.interview(answers=1)
    wang.pack(tmp_path / "plain.yzpack")
    with zipfile.ZipFile(io.BytesIO(package_zip(master, tmp_path / "plain.yzpack"))) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        lines = [json.loads(line) for line in zf.read(INTERVIEWS).splitlines()]
    assert "comments" not in manifest["counts"] and all("comments" not in e for e in manifest["interviews"])
    assert all("comments" not in line for line in lines)
    # format 2 adds only the coding member, absent when there is no coding: a format-1 reader's content
    assert set(manifest["files"]) == {"interviews.jsonl", "communities.json"} | {
        name for p in manifest["protocols"] for name in (p["definition"], p["workbook"]) if name
    }


def test_the_command_line_packs_a_review(field, tmp_path, capsys):
    _, master, interview_id = field
    review.send_back(master, interview_id, "请补充")
    path = master.path
    master.close()
    assert (
        main.main(
            ["pack", "--db", str(path), "--out", str(tmp_path / "back.yzpack"), "--review", "--fieldworker", "王芳"]
        )
        == 0
    )
    assert "王芳 的自上次发送以来审核过的访谈 1 个" in capsys.readouterr().out
    assert (
        main.main(["--lang", "en", "pack", "--db", str(path), "--out", str(tmp_path / "again.yzpack"), "--review"]) == 0
    )
    assert "Nothing reviewed since" in capsys.readouterr().out
    assert not (tmp_path / "again.yzpack").exists()
