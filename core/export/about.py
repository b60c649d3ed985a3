"""The About sheet: what the file is, where it came from, and how to read every other sheet.

It is the manual a researcher reads in Excel, so every rule the other sheets follow (references,
quotes, counts, anonymisation, overflow) is stated here in words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from yingzao.core.export.coding_sheets import coder_label
from yingzao.core.export.damage import Salvage
from yingzao.core.export.data import ExportFilters, InterviewRecord
from yingzao.core.export.frame import QUOTE_CHARACTERS, QUOTES_PER_CELL
from yingzao.core.export.labels import role_label, status_label, t
from yingzao.core.export.sheets import SheetContext
from yingzao.core.export.xlsx_style import Column
from yingzao.core.forms.protocol import Protocol, pick

_TEXT: dict[str, tuple[str, str]] = {
    "file": (
        "营造（Yingzao）访谈数据导出。访谈按吴莹《中国新型城镇化背景下的产业社区营造与精细化治理》（2022）的编码框架整理：四个营造维度、动力机制（主体）、精细化治理影响因素、成都《规划》的治理场景与目标。",
        "Yingzao interview export. The interviews are organised by the coding frame of Wu Ying, \"Construction and Fine Governance of Industrial Community under the Background of China's New Urbanization\" (2022): the four dimensions of community building, the driving forces (actors), the influencing factors, and the governance scenes and goals of Chengdu's plan.",
    ),
    "no_data": (
        "数据库中还没有访谈数据。各工作表只有表头（编码表除外）。",
        "There is no data yet in this database. The sheets have their headers only (except the Codebook).",
    ),
    "no_match": (
        "没有符合筛选条件的访谈。各工作表只有表头（编码表除外）。",
        "No interview matches the filters. The sheets have their headers only (except the Codebook).",
    ),
    "synthetic": (
        "注意：该数据库标记为合成数据（{why}），不是田野数据。",
        "Warning: this database is marked as synthetic data ({why}), not field data.",
    ),
    "file_item": (
        "文件",
        "File",
    ),
    "damaged": (
        "数据库已损坏",
        "Database damaged",
    ),
    "incomplete": (
        "不完整的工作表",
        "Incomplete sheets",
    ),
    "incomplete_none": (
        "无（各表完整，但请核对上面所列问题）",
        "none (every sheet is whole; check the problems above)",
    ),
    "notice": (
        "注意",
        "Note",
    ),
    "made": (
        "导出时间",
        "Made",
    ),
    "tz": (
        "时间",
        "Times",
    ),
    "tz_text": (
        "所有时间均为导出电脑的本地时间（{offset}）。",
        "All times are local times of the exporting computer ({offset}).",
    ),
    "db": (
        "数据库",
        "Database",
    ),
    "db_hidden": (
        "（匿名化导出不显示数据库文件名）",
        "(an anonymised export does not show the database's file name)",
    ),
    "filter_c": (
        "筛选：社区",
        "Filter: communities",
    ),
    "filter_r": (
        "筛选：受访者类型",
        "Filter: respondent roles",
    ),
    "filter_s": (
        "筛选：状态",
        "Filter: statuses",
    ),
    "protocol": (
        "提纲版本",
        "Protocol version",
    ),
    "protocol_text": (
        "{title} — {form_id} 版本 {version}，SHA-256 {sha}…：{n} 份",
        "{title} — {form_id} version {version}, SHA-256 {sha}…: {n} record(s)",
    ),
    "codebook": (
        "编码表",
        "Codebook",
    ),
    "codebook_text": (
        "本数据库的编码表（forms/codebook.csv 加上研究者新增和修改的代码）：{codes} 个代码，{families} 个代码族",
        "This database's codebook (forms/codebook.csv with the codes researchers added or changed): {codes} codes in {families} families",
    ),
    "n_interviews": (
        "访谈数",
        "Interviews",
    ),
    "n_profiles": (
        "社区概况数",
        "Community profiles",
    ),
    "n_answers": (
        "回答数（行）",
        "Answers (rows)",
    ),
    "n_communities": (
        "社区数",
        "Communities",
    ),
    "by_status": (
        "按状态",
        "By status",
    ),
    "by_role": (
        "按受访者类型",
        "By role",
    ),
    "anon": (
        "匿名化",
        "Anonymised",
    ),
    "anon_no": (
        "否。本文件含受访者姓名、单位、职务、电话等可识别信息，请按研究伦理要求保管，勿外传。",
        "No. This file contains names, units, positions, phone numbers and other identifying information: keep it as your ethics approval requires and do not pass it on.",
    ),
    "anon_yes": (
        "是。提纲标为可识别（identifying）的题目（姓名、单位、职务、地点、电话、推荐人等）的回答及其备注已全部删除；"
        "受访者显示为 R01、R02…，访员为 F01、F02…，按各人在整个数据库中第一次访谈的开始时间编号，同一数据库的每次导出编号一致"
        "（姓名相同的受访者视为同一人）；社区名称以案例字母代替。其余回答和备注中与上述信息完全相同的文字已替换为相应代码，"
        "其他可识别信息替换为「〔已删除〕」（少于 2 个字的值不在正文中查找）；称呼、电话等见下一行。",
        "Yes. Answers to questions the protocols mark identifying (name, unit, position, place, phone, referrals) are "
        "left out with their notes; respondents appear as R01, R02…, fieldworkers as F01, F02…, numbered by the start "
        "of each person's first interview in the whole database, so codes are the same in every export of this "
        "database (respondents giving the same name count as one person); communities appear by their case letter. "
        "In every other answer and note, exact occurrences of those values are replaced by the code, and other "
        'identifying values by "[removed]" (values shorter than 2 characters are not searched for in text); forms '
        "of address, phone numbers and the like: see the next row.",
    ),
    "anon_more": (
        "此外：电话（任意分隔）、身份证号（校验位正确）、邮箱、微信号、QQ 号、车牌、门牌地址替换为相应标记（如「〔电话〕」）；"
        "已知人物的称呼（陈书记、老陈、小陈、志明）替换为其代码；研究者的代称表（数据 → 代称表…）中的词替换为其代称；"
        "标为可识别的回答中的名称（含其中列出的各个名称）及「某姓+职务」（王主任）替换为「〔已删除〕」或「某主任」；"
        "研究自身的代称（A社区、L街道、R05 等）和允许列表中的词从不替换。",
        "Also: phone numbers (any spacing), ID-card numbers (valid check digit), e-mail, WeChat and QQ ids, licence "
        'plates and street addresses are replaced by a mark of their kind (e.g. "[phone]"); the forms of address of '
        "known people (陈书记, 老陈, 小陈, a two-character given name) by their code; the terms of the researcher's "
        "pseudonym table (Data → Pseudonyms…) by their pseudonym; the names in identifying answers (and each name they "
        'list) and a title after a surname (王主任) by "[removed]" or "Mr/Ms X 主任". The study\'s own pseudonyms '
        "(A社区, L街道, R05…) and allow-listed terms are never replaced.",
    ),
    "anon_review": ("审核", "Review"),
    "anon_reviewed": (
        "文本中的可识别词均已审核（接受为代称或忽略）。",
        "Every identifying term in the text was reviewed (accepted with a pseudonym, or ignored).",
    ),
    "anon_accepted": (
        "注意：以 --accept-detected 导出：{n} 处未经审核的可识别词以「〔已删除〕」或「某」替换。",
        "Note: exported with --accept-detected: {n} occurrence(s) of identifying terms nobody reviewed were replaced "
        'by "[removed]" or "Mr/Ms X".',
    ),
    "anon_dates": ("日期", "Dates"),
    "anon_dates_text": (
        "日期只保留到{precision}，时刻已删除；任职年限和年龄按区间显示（如 3–5年）。",
        "Dates are kept to the {precision} only, times of day are left out; tenure and age are shown in bands "
        "(e.g. 3–5 years).",
    ),
    "precision.day": ("日", "day"),
    "precision.month": ("月", "month"),
    "precision.year": ("年", "year"),
    "anon_risk": ("再识别风险", "Re-identification risk"),
    "anon_risk_text": (
        "按受访者类型 × 社区 × 性别 × 任职年限区间分组，最小组的人数 k = {k}。{small}",
        "Grouping respondents by role × community × gender × tenure band, the smallest group has k = {k}. {small}",
    ),
    "anon_risk_small": (
        "以下 {n} 份访谈所在的组少于 3 人，引用时请格外小心：{records}",
        "These {n} interview(s) are in groups of fewer than 3; take special care quoting them: {records}",
    ),
    "anon_risk_none": ("没有少于 3 人的组。", "No group has fewer than 3."),
    "ref": ("题目引用", "Question reference"),
    "ref_text": (
        "如 [官员·S5·act_party_structure]：受访者类型（官员/街道/干部/概况）·该题在提纲中的第几部分·题目名。回答引用在前面加上访谈编号，如 [3f2a9c1e·官员·S5·act_party_structure]，可在「回答」表中按这两列找到全文。",
        "E.g. [OFF·S5·act_party_structure]: respondent role (OFF official, STR street staff, CAD cadre, PRO profile) · the section's number in the protocol · the question's name. An answer reference puts the interview first, e.g. [3f2a9c1e·OFF·S5·act_party_structure]; find the full text on the Answers sheet by these two columns.",
    ),
    "repeats": (
        "重复组",
        "Repeat groups",
    ),
    "repeats_text": (
        "重复组中的题目每项各答一次：{repeats}。「回答」表中每项的每个回答一行，最后两列为重复组和该项的序号（从 1 起，与访谈界面所示一致；只问一次的题目这两列为空）；题目引用和编码引用在题目名后加序号，如 [官员·S2·org_name[2]]、[3f2a9c1e·org_name[2]·0–6]，「编码」表的题目也注明第几项。访谈中删除的项及其回答不导出。",
        "A repeat group's questions are answered once per entry: {repeats}. The Answers sheet has one row per answer of each entry, its last two columns giving the repeat and the entry's position (from 1, as the interview screen shows it; empty for questions asked once); question and coding references put the position after the question's name, e.g. [OFF·S2·org_name[2]], [3f2a9c1e·org_name[2]·0–6], and the Codings sheet names the entry too. Entries removed in the interview, and their answers, are left out.",
    ),
    "interview_id": (
        "访谈编号",
        "Interview",
    ),
    "interview_id_text": (
        "「访谈」列是访谈完整编号（UUID）的前 8 位（重复时加长），在所有工作表中一致。",
        "The Interview column is the first 8 characters of the interview's full id (UUID), longer if needed to be unique; it is the same on every sheet.",
    ),
    "substantive": (
        "实质性回答",
        "Substantive answer",
    ),
    "substantive_text": (
        "有答案内容的回答。只标记为跳过/拒答/不知道、或只有访员备注的，不计入回答数、出现矩阵和各项统计，但在「回答」表和框架矩阵中照样列出。",
        "An answer with content. Answers only marked skipped / refused / don't know, or holding only a note, are not counted (answer counts, presence matrix, statistics) but are listed on the Answers sheet and in the framework matrix.",
    ),
    "quotes": (
        "编码引述",
        "Coded quotes",
    ),
    "quotes_text": (
        "每格列出研究者用该格代码编码的原文片段：先列研究者标为关键引述的（先本社区、再全部），再按片段长度，每格最多 {n} 条；每条最多显示 {chars} 字，更长的注明「节选」。引用格式 [访谈·题目名·起–止] 在中英文导出中相同，起止为该回答中的字符位置；全部编码见「编码」表。",
        "Each cell lists passages researchers coded with the cell's codes: first those pinned as key quotes (for this community, then anywhere), then the longest; at most {n} per cell, each shown up to {chars} characters (longer ones marked as excerpts). A reference [interview·question·start–end] is the same in Chinese and English exports; start and end are character positions in the answer. Every coding is on the Codings sheet.",
    ),
    "rollup": (
        "代码归并",
        "Rolling codes up",
    ),
    "rollup_text": (
        "统计时，编码的上级代码也算有证据：如编码为「安居安心居住空间」的片段也计入「服务场景」。",
        "When counting, a code's parents count too: a passage coded with a goal of Table 2 also counts for its scene.",
    ),
    "profiles": (
        "社区概况",
        "Community profiles",
    ),
    "profiles_text": (
        "社区概况记录的是案例事实，不是访谈：在「访谈」「回答」「框架矩阵」「编码出现矩阵」表中以「社区概况」类型列出；图1、图2的访谈证据、表2和编码表的计数只计访谈。图2的概况事实取每个社区最近更新的一份概况，不受受访者类型和状态筛选限制。",
        "A community profile records the facts of a case; it is not an interview. It is listed on the Interviews, Answers, Framework matrix and Presence sheets with the role \"Community profile\"; the interview evidence of Figs. 1–2 and the counts of Table 2 and the Codebook count interviews only. Fig. 2's facts come from each community's most recently updated profile, whatever the role and status filters.",
    ),
    "review": (
        "审核状态",
        "Review status",
    ),
    "review_text": (
        "审核状态由访谈状态推出：草稿＝未提交，已完成＝待审核，已通过，已退回修改。督导的每个审核决定和评论见「审核」表。",
        "The review status follows from the interview's status: draft = not submitted, completed = awaiting review, approved, sent back for changes. Every supervisor decision and comment is on the Reviews sheet.",
    ),
    "limit": (
        "单元格上限",
        "Cell limit",
    ),
    "limit_text": (
        "Excel 每格最多 32,767 个字符，本文件不会悄悄截断：超长回答在「回答（续n）」列接续；框架矩阵中超长的格子在「溢出续写n」列接续，并在格内注明。本文件中接续的格子：{n} 个。",
        'Excel holds at most 32,767 characters in a cell, and nothing in this file is cut silently: a longer answer continues in the "Answer (cont. n)" columns; a framework-matrix cell continues in the "Overflow n" columns and says so inside the cell. Cells continued in this file: {n}.',
    ),
    "cut": (
        "未能接续的格子",
        "Cells cut",
    ),
    "cut_text": (
        "有 {n} 个格子（如超长的编码定义）超出上限又无处接续，格内已注明缺少的字数。",
        "{n} cell(s) (a very long codebook definition, say) passed the limit with nowhere to continue; each says in the cell how many characters are missing.",
    ),
    "scenes": (
        "治理场景",
        "Scenes",
    ),
    "scenes_text": (
        "「创业创新」「融合治理」两个场景的目标在论文表2中无法辨识，标为「目标无法从原文恢复」，没有编造。",
        'The goals of the scenes Entrepreneurship and innovation and Integrated governance are illegible in the paper\'s Table 2; they are shown as "goals not recoverable from the source", not invented.',
    ),
    "markers": (
        "标记",
        "Markers",
    ),
    "markers_text": (
        "跳过 / 拒答 / 不知道：访员对该题所作的标记，与空白答案不同。",
        "Skipped / refused / don't know: what the fieldworker marked for the question, distinct from an empty answer.",
    ),
    "unknown": (
        "未知代码",
        "Unknown codes",
    ),
    "unknown_text": (
        "以下代码出现在提纲中但不在当前编码表里，未计入统计：{codes}",
        "These codes appear in a protocol but not in the current codebook and are not counted: {codes}",
    ),
    "sheet": (
        "工作表「{title}」",
        'Sheet "{title}"',
    ),
    "guide.interviews": (
        "每份访谈（或社区概况）一行：社区、受访者类型、受访者、访员、提纲及版本、日期与时间、时长、状态、审核状态、回答数。",
        "One row per interview (or community profile): community, role, respondent, fieldworker, protocol and version, dates and times, duration, status, review status, answer counts.",
    ),
    "guide.answers": (
        "每个回答一行（长表）：访谈、社区、受访者类型、部分、题目引用、题目名和题目、回答（选项显示为文字）、各代码族一列、标记、访员备注、用时和保存时间。适合筛选、透视表和导入分析软件。",
        "One row per answer (long / tidy): interview, community, role, section, question reference, name and text, the answer (choices as their labels), one column per code family, marker, fieldworker note, time and save time. For filters, pivot tables and analysis software.",
    ),
    "guide.matrix": (
        "行为访谈（按社区、再按受访者类型分组），列为四个营造维度；每格是研究者在该访谈中编码为该维度（或其下级代码）的全部片段，每条以引用开头。",
        "Rows are interviews (grouped by community, then role), columns the four dimensions; each cell holds every passage of the interview researchers coded with the dimension (or a code under it), each after its reference.",
    ),
    "guide.actors": (
        "对应论文图1：行为四个营造维度，列为党建引领、政府、市场/企业、居民；先是全部社区，再逐个社区：有回答同时被编码为该维度和该主体的访谈数（有证据的访谈），以及该主体的编码引述。",
        "After Fig. 1: rows are the four dimensions, columns the actors (Party, government, market, residents); first for all communities, then per community: the interviews with an answer coded with both the dimension and the actor (interviews with evidence), and the passages coded with the actor.",
    ),
    "guide.factors": (
        "对应论文图2：每个社区一行；四个影响因素各三列：社区概况中的事实（按提纲所标代码归类）、有编码证据的访谈数、编码引述。",
        "After Fig. 2: one row per community; three columns per influencing factor: the facts of the community profile (grouped by the protocol's tags), the interviews with coded evidence, the coded quotes.",
    ),
    "guide.scenes": (
        "对应论文表2：每个治理场景及其目标，各社区有编码证据的访谈数和编码数；场景行包含其下各目标。",
        "After Table 2: every governance scene and goal, with the interviews with coded evidence and the number of codings per community; a scene's row includes its goals.",
    ),
    "guide.presence": (
        "行为访谈，列为每个代码：研究者在该访谈中至少编码了一处该代码（或其下级代码）为 1，否则为 0。可直接求和、交叉分析。",
        "Rows are interviews, columns every code: 1 when researchers coded at least one passage of the interview with the code (or one under it), else 0. Ready for sums and cross-tabs.",
    ),
    "guide.codebook": (
        "本数据库编码表中的每个代码：代码族、上级代码、中英文标签、定义、论文出处、状态（含已停用、已合并）、提纲建议此代码的题目，以及有证据的访谈数和编码数。",
        "Every code of this database's codebook: family, parent, labels, definition, source in the paper, status (retired and merged included), the protocol questions that suggest it, and the interviews with evidence and codings.",
    ),
    "coding": (
        "计数依据",
        "What is counted",
    ),
    "coding_text": (
        "图1、图2、表2、框架矩阵、编码出现矩阵和编码矩阵只计研究者的编码（编码的片段和已接受的提纲建议），计为有证据的访谈，而不是题目所标的代码：未编码的访谈不计入。",
        "Figs. 1 and 2, Table 2, the framework, presence and code matrices count researchers' codings only (coded passages and accepted protocol suggestions), as interviews with evidence, not the codes a question is tagged with: interviews nobody coded count for nothing.",
    ),
    "coders": (
        "计入的编码者",
        "Coders counted",
    ),
    "coders_none": (
        "（尚无编码）",
        "(nothing coded yet)",
    ),
    "suggestions": (
        "提纲建议的代码",
        "Protocol suggestions",
    ),
    "suggestions_no": (
        "未计入：尚未被研究者接受的提纲建议不算证据（导出时加 --count-suggestions 可计入）。",
        "Not counted: protocol suggestions no researcher has accepted are not evidence (export with --count-suggestions to count them).",
    ),
    "suggestions_yes": (
        "已计入（--count-suggestions）：尚未审阅的提纲建议按整段回答计为证据，共 {n} 条，编码者一栏为空、来源为「提纲建议（未审阅）」。",
        'Counted (--count-suggestions): {n} protocol suggestions nobody has reviewed count as whole-answer evidence; their coder is empty and their origin "suggested (unreviewed)".',
    ),
    "guide.codings": (
        "每条编码一行：访谈、社区、受访者类型、题目、回答或备注、代码及代码族、编码者、来源、引述原文、备忘、是否关键引述、起止位置。",
        "One row per coding: interview, community, role, question, answer or note, code and family, coder, origin, quoted text, memo, key quote, start and end.",
    ),
    "guide.memos": (
        "研究者对代码、访谈和社区写的备忘录（编码片段的备忘见「编码」表）。",
        "Researchers' memos on codes, interviews and communities (a coding's own memo is on the Codings sheet).",
    ),
    "guide.code_matrix": (
        "矩阵查询：行为代码，列为社区；每格为有证据的访谈数和编码数（含下级代码）。",
        "Matrix query: rows are codes, columns communities; each cell gives the interviews with evidence and the codings (codes under it included).",
    ),
    "guide.reviews": (
        "督导的审核决定（状态变化）和评论往来，每条一行，按访谈和时间排序。",
        "Every supervisor decision (status change) and comment, one per row, by interview and time.",
    ),
}


def _anonymity(add, facts: AboutFacts, lang: str) -> None:
    """What else an anonymised export did, and how identifiable its respondents still are."""
    add([_t("anon", lang), _t("anon_more", lang)])
    add(
        [
            _t("anon_review", lang),
            _t("anon_accepted", lang, n=facts.accepted) if facts.accepted else _t("anon_reviewed", lang),
        ]
    )
    precision = _t(f"precision.{facts.date_precision}", lang)
    add([_t("anon_dates", lang), _t("anon_dates_text", lang, precision=precision)])
    if facts.risk is not None:
        k, small = facts.risk
        shown = t("sep", lang).join(small[:200]) + (" …" if len(small) > 200 else "")
        small_text = _t("anon_risk_small", lang, n=len(small), records=shown) if small else _t("anon_risk_none", lang)
        add([_t("anon_risk", lang), _t("anon_risk_text", lang, k="—" if k is None else k, small=small_text)])


def _repeats(protocols: list[Protocol], lang: str) -> str:
    """Each exported protocol's repeat groups and their questions, e.g. 社区组织（orgs：org_name、org_kind）."""
    seen: dict[tuple[str, str], str] = {}  # (form id, repeat) -> text: a protocol's versions name it once
    for protocol in protocols:
        for repeat in protocol.repeats:
            label = pick(repeat.labels, lang, protocol.default_language) or repeat.name
            names = "、" if lang != "en" else ", "
            inside = names.join(q.name for q in protocol.repeated(repeat.name))
            text = f"{label}（{repeat.name}：{inside}）" if lang != "en" else f"{label} ({repeat.name}: {inside})"
            seen.setdefault((protocol.form_id, repeat.name), f"{protocol.title(lang)} · {text}")
    return t("sep", lang).join(seen.values())


def _t(key: str, lang: str, **values: object) -> str:
    zh, en = _TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


@dataclass
class AboutFacts:
    """What the About sheet reports about one export."""

    made: dt.datetime  # local time, no time zone (as Excel holds it)
    utc_offset: str  # e.g. UTC+08:00
    db_path: Path
    filters: ExportFilters
    records: list[InterviewRecord]
    answers: int
    communities: int
    protocols: list[Protocol]
    synthetic: str | None
    database_empty: bool
    codebook_codes: int
    codebook_families: int
    salvage: Salvage | None = None  # a damaged database: what could not be read
    risk: tuple[int | None, list[str]] | None = None  # anonymised: k and the records in small groups
    accepted: int = 0  # anonymised: occurrences of unreviewed detections replaced (--accept-detected)
    date_precision: str = "month"


def write_about(sheet, ctx: SheetContext, facts: AboutFacts, sheet_titles: dict[str, str]) -> None:
    lang = ctx.lang
    table = ctx.table(
        sheet, [Column(t("col.item", lang), 24, wrap=True), Column(t("col.details", lang), 110, wrap=True)]
    )
    add = table.add
    add([_t("file_item", lang), _t("file", lang)])
    if facts.salvage is not None:  # first: a reader must know before anything else that the file is partial
        for finding in facts.salvage.findings():
            add([_t("damaged", lang), finding.en if lang == "en" else finding.zh])
        incomplete = [title for key, title in sheet_titles.items() if key in facts.salvage.incomplete_sheets]
        add([_t("incomplete", lang), t("sep", lang).join(incomplete) or _t("incomplete_none", lang)])
    if not facts.records:
        add([_t("notice", lang), _t("no_data" if facts.database_empty else "no_match", lang)])
    if facts.synthetic:
        add([_t("notice", lang), _t("synthetic", lang, why=facts.synthetic)])
    add([_t("made", lang), facts.made])
    add([_t("tz", lang), _t("tz_text", lang, offset=facts.utc_offset)])
    # an anonymised file names no file: a database named after its respondent would give them away
    add([_t("db", lang), _t("db_hidden", lang) if ctx.anon.enabled else str(facts.db_path)])
    every = t("all", lang)
    sep = t("sep", lang)
    add([_t("filter_c", lang), sep.join(facts.filters.communities) or every])
    add([_t("filter_r", lang), sep.join(role_label(r, lang) for r in facts.filters.roles) or every])
    add([_t("filter_s", lang), sep.join(status_label(s, lang) for s in facts.filters.statuses) or every])
    per_protocol = Counter(r.protocol.sha256 for r in facts.records)
    for protocol in facts.protocols:
        add(
            [
                _t("protocol", lang),
                _t(
                    "protocol_text",
                    lang,
                    title=protocol.title(lang),
                    form_id=protocol.form_id,
                    version=protocol.version,
                    sha=protocol.sha256[:12],
                    n=per_protocol[protocol.sha256],
                ),
            ]
        )
    add([_t("codebook", lang), _t("codebook_text", lang, codes=facts.codebook_codes, families=facts.codebook_families)])
    profiles = sum(r.is_profile for r in facts.records)
    add([_t("n_interviews", lang), len(facts.records) - profiles])
    add([_t("n_profiles", lang), profiles])
    add([_t("n_answers", lang), facts.answers])
    add([_t("n_communities", lang), facts.communities])
    statuses = Counter(r.status for r in facts.records)
    add([_t("by_status", lang), sep.join(f"{status_label(s, lang)} {n}" for s, n in sorted(statuses.items())) or "—"])
    roles = Counter(r.role for r in facts.records)
    add([_t("by_role", lang), sep.join(f"{role_label(r, lang)} {n}" for r, n in sorted(roles.items())) or "—"])
    add([_t("anon", lang), _t("anon_yes" if ctx.anon.enabled else "anon_no", lang)])
    add([_t("coding", lang), _t("coding_text", lang)])
    coders = sorted(ctx.reader.coders - {""})
    add([_t("coders", lang), sep.join(coder_label(ctx, c) for c in coders) or _t("coders_none", lang)])
    counted = ctx.reader.count_suggestions
    add(
        [
            _t("suggestions", lang),
            _t("suggestions_yes" if counted else "suggestions_no", lang, n=ctx.reader.suggestions_counted),
        ]
    )
    if ctx.anon.enabled:
        _anonymity(add, facts, lang)
    for key in (
        "ref",
        "interview_id",
        "substantive",
        "quotes",
        "rollup",
        "profiles",
        "review",
        "limit",
        "scenes",
        "markers",
    ):
        add(
            [
                _t(key, lang),
                _t(
                    f"{key}_text",
                    lang,
                    n=QUOTES_PER_CELL if key == "quotes" else ctx.overflow_cells,
                    chars=QUOTE_CHARACTERS,
                ),
            ]
        )
    repeats = _repeats(facts.protocols, lang)
    if repeats:
        add([_t("repeats", lang), _t("repeats_text", lang, repeats=repeats)])
    if ctx.cut_cells:
        add([_t("cut", lang), _t("cut_text", lang, n=ctx.cut_cells)])
    if ctx.reader.unknown_codes:
        add([_t("unknown", lang), _t("unknown_text", lang, codes=", ".join(sorted(ctx.reader.unknown_codes)))])
    for key, title in sheet_titles.items():
        if key != "about":
            add([_t("sheet", lang, title=title), _t(f"guide.{key}", lang)])
    table.close()
