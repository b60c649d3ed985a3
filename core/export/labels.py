"""The export workbook's words in Chinese and English: sheet titles, column headers, fixed texts.

Kept in core (not ui/i18n.py) because exports also run from the command line and in worker
threads, without Qt. Keys are grouped by the sheet that uses them.
"""

from __future__ import annotations

_T: dict[str, tuple[str, str]] = {
    # sheet titles (Excel allows 31 characters and no []:*?/\)
    "sheet.about": ("说明", "About"),
    "sheet.interviews": ("访谈", "Interviews"),
    "sheet.answers": ("回答", "Answers"),
    "sheet.matrix": ("框架矩阵-营造维度", "Framework matrix"),
    "sheet.actors": ("主体×维度（图1）", "Actors × dimensions (Fig. 1)"),
    "sheet.factors": ("社区×影响因素（图2）", "Communities × factors (Fig. 2)"),
    "sheet.scenes": ("场景与目标（表2）", "Scenes and goals (Table 2)"),
    "sheet.presence": ("编码出现矩阵", "Presence matrix"),
    "sheet.codebook": ("编码表", "Codebook"),
    "sheet.codings": ("编码", "Codings"),
    "sheet.memos": ("备忘录", "Memos"),
    "sheet.code_matrix": ("编码矩阵-社区", "Code matrix"),
    "sheet.reviews": ("审核", "Reviews"),
    # columns shared by several sheets
    "col.interview": ("访谈", "Interview"),
    "col.interview_id": ("完整编号", "Full ID"),
    "col.community": ("社区", "Community"),
    "col.community_name": ("社区名称", "Community name"),
    "col.role": ("受访者类型", "Respondent role"),
    "col.respondent": ("受访者", "Respondent"),
    "col.fieldworker": ("访员", "Fieldworker"),
    "col.protocol": ("提纲", "Protocol"),
    "col.version": ("提纲版本", "Protocol version"),
    "col.interview_date": ("访谈日期", "Interview date"),
    "col.started": ("开始时间", "Started"),
    "col.ended": ("结束时间", "Ended"),
    "col.duration": ("时长（分钟）", "Duration (min)"),
    "col.timed": ("答题计时（分钟）", "Time on questions (min)"),
    "col.status": ("状态", "Status"),
    "col.outcome": ("结果", "Outcome"),
    "col.review": ("审核状态", "Review status"),
    "col.answer_count": ("回答数", "Answers"),
    "col.marked_count": ("标记数（跳过/拒答/不知道）", "Marked (skipped/refused/don't know)"),
    "col.updated": ("最后修改", "Last change"),
    "col.device": ("设备", "Device"),
    "col.section": ("部分", "Section"),
    "col.ref": ("题目引用", "Question reference"),
    "col.question": ("题目名", "Question name"),
    "col.label": ("题目", "Question"),
    "col.answer": ("回答", "Answer"),
    "col.answer_more": ("回答（续{n}，超出单元格上限）", "Answer (cont. {n}, past the cell limit)"),
    "col.marker": ("标记", "Marker"),
    "col.note": ("访员备注", "Fieldworker note"),
    "col.note_more": ("访员备注（续{n}）", "Fieldworker note (cont. {n})"),
    "col.seconds": ("答题用时（秒）", "Time on question (s)"),
    "col.saved": ("保存时间", "Saved"),
    "col.overflow": ("溢出续写{n}", "Overflow {n}"),
    "col.dimension": ("营造维度", "Dimension"),
    "col.count": ("{what}·有证据的访谈数", "{what}: interviews with evidence"),
    "col.quotes": ("{what}·编码引述", "{what}: coded quotes"),
    "col.mobilised": ("政府主要动员对象（社区概况）", "Whom government mobilises (profile)"),
    "col.profile": ("社区概况记录", "Community profile record"),
    "col.other_facts": ("其他概况（提纲未标注影响因素）", "Other facts (the protocol tags no factor)"),
    "col.facts": ("{what}·概况", "{what}: profile facts"),
    "col.evidence_count": ("{what}·有证据的访谈数", "{what}: interviews with evidence"),
    "col.evidence": ("{what}·编码引述", "{what}: coded quotes"),
    "col.code": ("代码", "Code"),
    "col.scene": ("治理场景", "Scene"),
    "col.goal": ("治理目标", "Goal"),
    "col.scene_note": ("说明", "Note"),
    "col.interviews_n": ("{what}·有证据的访谈数", "{what}: interviews with evidence"),
    "col.codings_n": ("{what}·编码数", "{what}: codings"),
    "col.question_text": ("题目", "Question"),
    "col.target": ("位置", "Where"),
    "col.code_label": ("代码名称", "Code name"),
    "col.coder": ("编码者", "Coder"),
    "col.origin": ("来源", "Origin"),
    "col.quote": ("引述原文", "Quoted text"),
    "col.memo": ("备忘", "Memo"),
    "col.key_quote": ("关键引述", "Key quote"),
    "col.attributed": ("归属社区", "Attributed to"),
    "col.start": ("起", "Start"),
    "col.end": ("止", "End"),
    "col.memo_about": ("对象类型", "About"),
    "col.memo_subject": ("对象", "Subject"),
    "col.author": ("作者", "Author"),
    "col.review_kind": ("类别", "Kind"),
    "col.at": ("时间", "Time"),
    "target.answer": ("回答", "Answer"),
    "target.note": ("访员备注", "Note"),
    "origin.coded": ("研究者编码", "Coded"),
    "origin.suggestion": ("接受的提纲建议", "Accepted suggestion"),
    "origin.suggested": ("提纲建议（未审阅）", "Suggested (unreviewed)"),
    "memo.code": ("代码", "Code"),
    "memo.interview": ("访谈", "Interview"),
    "memo.community": ("社区", "Community"),
    "review.decision": ("审核决定", "Decision"),
    "review.comment": ("评论", "Comment"),
    "col.family": ("代码族", "Family"),
    "code_status.retired": ("已停用", "Retired"),
    "code_status.merged": ("已合并", "Merged"),
    "col.parent": ("上级代码", "Parent"),
    "col.label_zh": ("中文标签", "Chinese label"),
    "col.label_en": ("英文标签", "English label"),
    "col.definition": ("定义", "Definition"),
    "col.source": ("出处（论文章节）", "Source (section of the paper)"),
    "col.code_status": ("代码状态", "Status"),
    "col.asked_by": ("提纲建议此代码的题目", "Suggested by (protocol questions)"),
    "col.item": ("项目", "Item"),
    "col.details": ("内容", "Details"),
    # values
    "role.official": ("官员", "Official"),
    "role.street_staff": ("街道工作人员", "Street / district staff"),
    "role.cadre": ("社区干部", "Community cadre"),
    "role.profile": ("社区概况", "Community profile"),
    "ref.official": ("官员", "OFF"),
    "ref.street_staff": ("街道", "STR"),
    "ref.cadre": ("干部", "CAD"),
    "ref.profile": ("概况", "PRO"),
    "status.draft": ("草稿", "Draft"),
    "status.completed": ("已完成", "Completed"),
    "status.approved": ("已通过", "Approved"),
    "status.rejected": ("已退回", "Sent back"),
    "review.draft": ("未提交", "Not submitted"),
    "review.completed": ("待审核", "Awaiting review"),
    "review.approved": ("已通过", "Approved"),
    "review.rejected": ("已退回修改", "Sent back for changes"),
    "outcome.consent_refused": ("拒绝受访", "Consent refused"),
    "marker.skipped": ("跳过", "Skipped"),
    "marker.refused": ("拒答", "Refused"),
    "marker.dont_know": ("不知道", "Don't know"),
    "all": ("全部", "All"),
    "all_communities": ("全部社区", "All communities"),
    "no_community": ("未指定社区", "No community"),
    "removed": ("〔已删除〕", "[removed]"),
    "not_choice": ("〔非选项〕", "[not a choice] "),
    "excerpt": ("……〔节选，全文见「回答」表〕", "… [excerpt; full text on the Answers sheet]"),
    "overflow.notice": (
        "〔此格已达 Excel 单元格上限，续见「{column}」列〕",
        "[cell full at Excel's limit; continued in column '{column}']",
    ),
    "overflow.cont": ("〔续：{what}，第{n}段〕", "[continued: {what}, part {n}]"),
    "overflow.cut": (
        "〔以下 {n} 字超出 Excel 单元格上限，未能写入本格〕",
        "[{n} more characters exceed Excel's cell limit and are not in this cell]",
    ),
    "note_prefix": ("访员备注：", "Fieldworker note: "),
    "scene_total": ("（场景合计，含其下各目标）", "(scene total, incl. its goals)"),
    "unrecovered": ("目标无法从原文恢复", "goals not recoverable from the source"),
    "unrecovered_note": (
        "论文表2中该场景的治理目标无法辨识，未作编造；研究者可在编码表中以此场景为上级代码补充。",
        "The paper's Table 2 is illegible for this scene's goals; none are invented. "
        "A researcher can add them to the codebook with this scene as parent.",
    ),
    "no_profile": ("尚无社区概况", "No community profile yet"),
    "profile_record": ("{id}（{status}，更新于 {updated}）", "{id} ({status}, updated {updated})"),
    "sep": ("；", "; "),
    # repeat groups: a repeated question's answer is one of its repeat's entries
    "entry": ("（第{n}项）", " (entry {n})"),
    "entry_removed": ("已删除的项", "removed entry"),
    "col.repeat": ("重复组", "Repeat"),
    "col.position": ("第几项", "Entry"),
    "col.repeat_name": ("重复组名", "Repeat name"),
}


def t(key: str, lang: str, **values: object) -> str:
    zh, en = _T[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def role_label(role: str, lang: str) -> str:
    return t(f"role.{role}", lang) if f"role.{role}" in _T else role


def role_ref(role: str, lang: str) -> str:
    return t(f"ref.{role}", lang) if f"ref.{role}" in _T else role


def status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang) if f"status.{status}" in _T else status


def review_label(status: str, lang: str) -> str:
    return t(f"review.{status}", lang) if f"review.{status}" in _T else ""


def marker_label(marker: str | None, lang: str) -> str:
    return t(f"marker.{marker}", lang) if marker else ""


def keys() -> list[str]:
    return list(_T)
