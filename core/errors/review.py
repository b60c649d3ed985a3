"""Supervisor review: decisions and comment threads."""

from __future__ import annotations

from yingzao.core.errors.base import Text
from yingzao.core.errors.store import StoreError, _status

# -- supervisor review -------------------------------------------------------------------------


class ReviewError(StoreError):
    """A review action (approve, send back, reopen, comment) that cannot be done as asked."""


_ACTIONS = {
    "approve an interview": Text("通过访谈", "approve an interview"),
    "send an interview back": Text("退回访谈", "send an interview back"),
    "reopen an approved interview": Text("重新打开已通过的访谈", "reopen an approved interview"),
    "comment": Text("批注", "comment"),
    "commented on": Text("批注", "commented on"),
    "approved": Text("通过", "approved"),
    "sent back": Text("退回", "sent back"),
    "reopened": Text("重新打开", "reopened"),
}


def _action(action: str) -> Text:
    return _ACTIONS.get(action, Text(action, action))


def not_a_supervisor(action: str) -> ReviewError:
    return ReviewError(
        Text(
            f"只有持有督导密钥的人可以{_action(action).zh}；这个数据库没有项目的督导密钥。",
            f"Only a holder of a supervisor key may {action}; this database holds no supervisor key of its project.",
        ),
        hint=Text(
            "督导请用“文件 → 项目 → 导出我的公钥…”把公钥卡片交给研究者，研究者把你加入督导名单后，打开新的项目文件。"
            "在“我的身份”中改角色不会带来任何权限。",
            "Supervisors: give the researcher your key card (File → Project → Export my public key…); once they "
            "list you as a supervisor, open the new project file. Changing your role in My identity grants nothing.",
        ),
        code="not_a_supervisor",
    )


def wrong_status_for(action: str, interview_id: str, status: str, allowed: tuple[str, ...]) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 的状态是 {_status(status).zh}；只有在 {'或'.join(_status(a).zh for a in allowed)} 时才能{_action(action).zh}。",
            f"Interview {interview_id} is {status}; it can be {action} only when it is {' or '.join(allowed)}.",
        ),
        hint=Text(
            "请刷新审核队列：可能有人刚改过它。", "Reload the review queue: someone may have changed it meanwhile."
        ),
        code="wrong_status",
    )


def reason_required() -> ReviewError:
    return ReviewError(
        Text("退回访谈需要填写理由。", "Sending an interview back needs a reason."),
        hint=Text(
            "请说明访员应当修改什么；理由会随访谈一起显示给访员。",
            "Say what the fieldworker should revise; it is shown to them with the interview.",
        ),
        code="reason_required",
    )


def empty_comment() -> ReviewError:
    return ReviewError(
        Text("批注不能为空。", "A comment cannot be empty."),
        hint=Text("请输入批注内容后再发布。", "Type the comment, then post it."),
        code="empty_comment",
    )


def reply_only() -> ReviewError:
    return ReviewError(
        Text(
            "您可以回复督导的批注，但只有持有督导密钥的人能发起新的批注。",
            "You can reply to a supervisor's comment; only a holder of a supervisor key can start a new one.",
        ),
        hint=Text("请使用批注下方的回复框。", "Use the Reply box under the comment."),
        code="reply_only",
    )


def reply_needs_editable(interview_id: str, status: str) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 的状态是 {_status(status).zh}：只有在退回修改期间才能回复。",
            f"Interview {interview_id} is {status}: replies are possible while it is sent back for revision.",
        ),
        hint=Text("督导可以退回或重新打开它。", "A supervisor can send it back or reopen it."),
        code="reply_needs_editable",
    )


def unknown_comment(comment_id: str, interview_id: str) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 中没有可回复的批注 {comment_id}。",
            f"Interview {interview_id} has no comment {comment_id} to reply to.",
        ),
        hint=Text("请重新载入访谈：批注列表可能已过时。", "Reload the interview: the comment list may be out of date."),
        code="unknown_comment",
    )


def unknown_question_in(interview_id: str, question: str) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 的提纲中没有名为“{question}”的问题。",
            f"Interview {interview_id}'s protocol has no question named '{question}'.",
        ),
        hint=Text(
            "请重新载入访谈：它的提纲可能与您看到的不同。",
            "Reload the interview: its protocol may differ from the one you see.",
        ),
        code="unknown_question_in",
    )


def already_sent_back(interview_id: str, at: str) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 已于 {at} 通过审核包退回给访员；现在添加的批注不会送达访员，还会与其修改冲突。",
            f"Interview {interview_id} was sent back to its fieldworker in a review package on {at}; a comment "
            "added now would not reach them and would conflict with their revision.",
        ),
        hint=Text(
            "请等修改后的访谈合并回来，再对它批注。", "Wait for the revised interview to be merged, then comment on it."
        ),
        code="already_sent_back",
    )
