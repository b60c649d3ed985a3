"""CSV for R, Stata and pandas: a folder of tidy tables and a data dictionary.

    export_csv(db_path, folder, options, codes=..., codings=...)

- interviews.csv — one row per interview (and community profile);
- answers.csv — one row per answer: the choice codes as stored and their labels, marker, note;
- wide_<protocol>.csv — one row per interview of that protocol, one column per question, each choice
  of a multiple choice also as a 0/1 column (`yingzao.core.export.wide`, as the survey-import sheets);
  wide_<protocol>__<repeat>.csv — one row per entry of a repeat group;
- codings.csv — one row per coding (the REFI-QDA seam's `QdaCoding`), with the coded passage;
- codebook.csv — the codes;
- README.txt — what every file and column holds.
UTF-8 with BOM (Excel and WPS then read the Chinese right; R's `read.csv(fileEncoding="UTF-8-BOM")`,
pandas' `encoding="utf-8-sig"` and Stata's `import delimited, encoding(utf-8)` read it), dates in ISO
8601, anonymised by the workbook's rules. Every file is written beside its target first and all are
moved into place only when all are complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from yingzao.core import durable, errors, paths
from yingzao.core.export import files as export_files
from yingzao.core.export.data import AnswerRow, InterviewRecord
from yingzao.core.export.labels import role_label, status_label
from yingzao.core.export.refi_model import QdaCode, QdaCoding, codes_from_codebook
from yingzao.core.export.selection import Progress, move_into_place, selection
from yingzao.core.export.wide import WideTable, iso, wide_tables
from yingzao.core.export.workbook import ExportOptions
from yingzao.core.forms.codebook import Codebook, load_codebook

INTERVIEW_COLUMNS = (
    ("interview_id", "访谈的完整编号（唯一）", "the interview's full id (unique)"),
    ("short_id", "访谈的短编号（与 Excel 导出相同）", "the interview's short id (as in the Excel export)"),
    ("protocol", "提纲编号", "protocol id"),
    ("protocol_version", "提纲版本", "protocol version"),
    ("role", "受访者类型代码", "respondent role code"),
    ("role_label", "受访者类型", "respondent role"),
    ("community", "社区（匿名化时为字母）", "community (a letter when anonymised)"),
    ("respondent", "受访者（匿名化时为 R01…）", "respondent (R01… when anonymised)"),
    ("fieldworker", "访员（匿名化时为 F01…）", "fieldworker (F01… when anonymised)"),
    ("status", "状态代码", "status code"),
    ("status_label", "状态", "status"),
    ("outcome", "结果（如拒绝受访）", "outcome (e.g. consent_refused)"),
    ("interview_date", "访谈日期（ISO 8601）", "interview date (ISO 8601)"),
    ("started", "开始时间（本地时间，ISO 8601）", "started (local time, ISO 8601)"),
    ("ended", "结束时间", "ended"),
    ("duration_minutes", "时长（分钟）", "duration (minutes)"),
    ("answers", "实质回答数", "substantive answers"),
    ("marked", "标记数（跳过/拒答/不知道）", "marked (skipped/refused/don't know)"),
)
# a repeated question's answer: which entry of its repeat (one row per entry, in answers.csv and codings.csv)
REPEAT_COLUMNS = (
    ("repeat", "重复组名（题目在重复组中时；否则为空）", "the repeat group's name (empty: asked once)"),
    ("position", "该项在重复组中的序号（从 1 起）", "the entry's position in its repeat (from 1)"),
    (
        "instance",
        "该项的固定编号（删除、移动其他项时不变，可用于连接各表）",
        "the entry's stable id (kept when other entries are removed or moved; joins the tables)",
    ),
)
ANSWER_COLUMNS = (
    ("interview_id", "访谈编号", "interview id"),
    ("question", "题目名", "question name"),
    ("question_label", "题目", "question text"),
    ("type", "题型", "question type"),
    (
        "value",
        "回答：选择题为选项代码（多选以空格分隔），其他为值本身",
        "the answer: choice codes (space-separated for several), else the value",
    ),
    ("value_label", "回答：选择题为选项标签", "the answer: choice labels"),
    ("marker", "标记（skipped/refused/dont_know）", "marker (skipped/refused/dont_know)"),
    ("note", "访员备注", "fieldworker note"),
    ("seconds", "答题用时（秒）", "time on the question (s)"),
    ("codes", "题目的编码（以空格分隔）", "the question's codes (space-separated)"),
    *REPEAT_COLUMNS,
)
CODING_COLUMNS = (
    ("coding_id", "编码片段编号", "coding id"),
    ("interview_id", "访谈编号", "interview id"),
    ("question", "题目名", "question name"),
    ("target", "answer = 回答；note = 访员备注", "answer or note"),
    (
        "start",
        "起点：所存文本中的字符位置（Unicode 码位，从 0 起）",
        "start: character position in the stored text (code points, from 0)",
    ),
    ("end", "终点（不含）", "end (exclusive)"),
    ("code_id", "代码", "code id"),
    ("code_label", "代码名称", "code label"),
    ("coder", "编码者（匿名化时为代码）", "coder (a code when anonymised)"),
    ("created_at", "编码时间（ISO 8601）", "when coded (ISO 8601)"),
    ("text", "所编码的文字（匿名化时已替换姓名）", "the coded passage (names replaced when anonymised)"),
    *REPEAT_COLUMNS,
)
CODEBOOK_COLUMNS = (
    ("code_id", "代码", "code id"),
    ("parent_id", "上级代码", "parent code"),
    ("label", "名称", "label"),
    ("description", "定义", "definition"),
    ("codable", "是否可编码（1/0）", "codable (1/0)"),
)


@dataclass(frozen=True)
class CsvResult:
    folder: Path
    files: tuple[str, ...]
    interviews: int
    answers: int
    codings: int
    anonymized: bool
    seconds: float

    def summary(self) -> str:
        return str(
            errors.Text(
                f"{self.folder}：{len(self.files)} 个文件，{self.interviews} 个访谈，{self.answers} 个回答，"
                f"{self.codings} 个编码片段{'，已匿名化' if self.anonymized else ''}（{self.seconds:.1f} 秒）",
                f"{self.folder}: {len(self.files)} files, {self.interviews} interview(s), {self.answers} answers, "
                f"{self.codings} codings{', anonymised' if self.anonymized else ''} ({self.seconds:.1f} s)",
            )
        )


class _Files:
    """The folder's CSV files, each written to a temporary file of one export job beside it."""

    def __init__(self, job: export_files.ExportFiles) -> None:
        self.job = job
        self.parts: dict[str, Path] = {}
        self.handles: list = []

    def writer(self, name: str, header: Iterable[str]):
        path = self.job.workbook if not self.parts else self.job.part(name)
        self.parts[name] = path
        handle = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by close(), after the stream
        self.handles.append(handle)
        writer = csv.writer(handle)
        writer.writerow(list(header))
        return writer

    def text(self, name: str, text: str) -> None:
        path = self.job.part(name)
        self.parts[name] = path
        path.write_text(text, encoding="utf-8-sig", newline="")

    def close(self) -> None:
        for handle in self.handles:
            handle.close()
        self.handles = []


def export_csv(
    db_path: Path | str,
    folder: Path | str,
    options: ExportOptions | None = None,
    *,
    codes: list[QdaCode] | None = None,
    codings: Iterable[QdaCoding] = (),
    codebook: Codebook | None = None,
    tz: dt.tzinfo | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CsvResult:
    started = time.perf_counter()
    options = options or ExportOptions()
    db_path, folder = Path(db_path), Path(folder)
    if folder.exists() and not folder.is_dir():
        raise errors.csv_folder_is_file(folder)
    if not folder.parent.is_dir():
        raise errors.export_folder_missing(folder)
    book = codebook or load_codebook(paths.CODEBOOK_PATH)
    lang = options.lang
    if codes is None:
        codes = codes_from_codebook(book, lang)
    try:
        folder.mkdir(exist_ok=True)
    except PermissionError as error:
        raise errors.export_not_writable(folder, error) from error
    except OSError as error:
        raise errors.export_failed(folder, error) from error
    export_files.remove_stale(folder)
    try:
        job = export_files.ExportFiles(folder / "interviews.csv", "csv")
    except PermissionError as error:
        raise errors.export_not_writable(folder, error) from error
    except OSError as error:
        raise errors.export_failed(folder, error) from error
    files = _Files(job)
    labels = {code.id: code.name for code in codes}
    counts = {"answers": 0, "codings": 0}
    try:
        with selection(db_path, book, options.filters, lang=lang, anonymise=options.anonymize, tz=tz) as chosen:
            anon = chosen.anon
            exported = {r.id for r in chosen.records}
            by_interview: dict[str, list[QdaCoding]] = {}
            for coding in codings:
                if coding.interview_id in exported and coding.code_id in labels:
                    by_interview.setdefault(coding.interview_id, []).append(coding)
            coders: dict[str, str] = {}

            def coder(name: str) -> str:
                if not options.anonymize or not name:
                    return name
                if name not in coders:
                    coders[name] = anon.fieldworkers.get(name) or f"U{len(coders) + 1:02d}"
                return coders[name]

            interviews = files.writer("interviews.csv", [c for c, _, _ in INTERVIEW_COLUMNS])
            answers = files.writer("answers.csv", [c for c, _, _ in ANSWER_COLUMNS])
            coded = files.writer("codings.csv", [c for c, _, _ in CODING_COLUMNS])

            def each(record: InterviewRecord, rows: list[AnswerRow]) -> None:
                for row in rows:
                    question = row.info.question
                    choice = question.type in ("select_one", "select_multiple")
                    answers.writerow(
                        [
                            record.id,
                            question.name,
                            row.info.label,
                            question.type,
                            str(row.raw) if choice and row.raw is not None else iso(row.value) if row.text else "",
                            row.text if choice else "",
                            row.marker or "",
                            row.note,
                            "" if row.seconds is None else row.seconds,
                            " ".join(question.codes),
                            *_entry(row),
                        ]
                    )
                counts["answers"] += len(rows)
                stored = {(r.key, "answer"): r.raw for r in rows if r.text and r.info.is_text}
                stored.update({(r.key, "note"): r.raw_note for r in rows if r.note})
                # a choice or a number is coded whole: its passage is the answer as the export shows it
                whole = {r.key: r.text for r in rows if r.text and not r.info.is_text}
                by_key = {r.key: r for r in rows}
                for coding in by_interview.pop(record.id, ()):
                    text = stored.get((coding.question, coding.target))
                    if coding.target == "answer" and coding.question in whole:
                        text = whole[coding.question]
                        passage = text
                    elif isinstance(text, str):
                        passage = text[coding.start : coding.end]
                    else:
                        continue  # an answer the export leaves out (identifying, when anonymised)
                    coded.writerow(
                        [
                            coding.guid,
                            coding.interview_id,
                            by_key[coding.question].info.question.name,
                            coding.target,
                            coding.start,
                            coding.end,
                            coding.code_id,
                            labels[coding.code_id],
                            coder(coding.coder),
                            coding.created_at.isoformat() if coding.created_at else "",
                            anon.scrub(passage),
                            *_entry(by_key[coding.question]),
                        ]
                    )
                    counts["codings"] += 1

            tables = wide_tables(chosen, lang, full_ids=True, progress=progress, cancelled=cancelled, also=each)
            for record in chosen.records:
                interviews.writerow(
                    [
                        record.id,
                        record.short,
                        record.protocol.form_id,
                        record.protocol.version,
                        record.role,
                        role_label(record.role, lang),
                        anon.community(record.community_id),
                        record.respondent,
                        record.fieldworker,
                        record.status,
                        status_label(record.status, lang),
                        record.outcome or "",
                        iso(record.interview_date) or "",
                        record.started.isoformat() if record.started else "",
                        record.ended.isoformat() if record.ended else "",
                        "" if record.duration_minutes is None else record.duration_minutes,
                        record.answered,
                        record.marked,
                    ]
                )
            for table in tables:
                headers = [_FIXED_HEADERS.get(c.kind, c.header) for c in table.columns]
                writer = files.writer(wide_file(table), headers)
                for row in table.rows:
                    writer.writerow(["" if v is None else iso(v) for v in row])
            codebook_writer = files.writer("codebook.csv", [c for c, _, _ in CODEBOOK_COLUMNS])
            for code in codes:
                codebook_writer.writerow(
                    [code.id, code.parent_id or "", code.name, code.description, int(code.codable)]
                )
            files.text("README.txt", _readme(lang, tables, options.anonymize))
            records = chosen.records
        files.close()
        if cancelled is not None and cancelled():
            raise errors.ExportCancelled
        try:
            for path in files.parts.values():
                durable.fsync_file(path)
        except OSError as error:
            raise errors.export_failed(folder, error) from error
        for name, path in files.parts.items():
            move_into_place(path, folder / name)
        durable.fsync_folder(folder)
    finally:
        files.close()
        job.close()
    return CsvResult(
        folder,
        tuple(files.parts),
        len(records),
        counts["answers"],
        counts["codings"],
        options.anonymize,
        time.perf_counter() - started,
    )


_FIXED_HEADERS = {"id": "interview_id", "position": "position", "instance": "instance"}


def wide_file(table: WideTable) -> str:
    """wide_<protocol>.csv; a repeat's table: wide_<protocol>__<repeat>.csv."""
    return f"wide_{table.form_id}__{table.repeat}.csv" if table.repeat else f"wide_{table.form_id}.csv"


def _repeat_readme(table: WideTable, en: bool) -> str:
    main = f"wide_{table.form_id}.csv"
    if en:
        return (
            f"{table.protocol_title}, repeat group '{table.repeat_label}' ({table.repeat}): one row per entry, "
            f"in each interview's order; interview_id (join {main} and answers.csv on it), position (from 1), "
            "instance (the entry's stable id, as in answers.csv and codings.csv), then one column per question "
            f"of the repeat (these questions are not columns of {main}). Removed entries are left out."
        )
    return (
        f"{table.protocol_title} 的重复组「{table.repeat_label}」（{table.repeat}）：每项一行，按访谈中的顺序；"
        f"interview_id（与 {main}、answers.csv 连接用）、position（序号，从 1 起）、instance（该项的固定编号，"
        f"与 answers.csv、codings.csv 相同），其后该组每题一列（这些题目不在 {main} 中单列）。删除的项不导出。"
    )


def _entry(row: AnswerRow) -> list[object]:
    """The repeat, position and instance columns of an answer (empty for a question asked once)."""
    if row.repeat is None:
        return ["", "", ""]
    return [row.repeat.question.name, row.position, row.instance or ""]


def _readme(lang: str, tables: list, anonymised: bool) -> str:
    en = lang == "en"
    lines = [
        "Yingzao 营造 — CSV export" if en else "营造 — CSV 导出",
        "",
        (
            "Files are UTF-8 with a byte-order mark; dates and times are ISO 8601 (local time). "
            'R: read.csv(f, fileEncoding = "UTF-8-BOM"); pandas: pd.read_csv(f, encoding="utf-8-sig"); '
            "Stata: import delimited f, encoding(utf-8) varnames(1)."
            if en
            else '文件为带 BOM 的 UTF-8；日期时间为 ISO 8601（本地时间）。R：read.csv(f, fileEncoding = "UTF-8-BOM")；'
            'pandas：pd.read_csv(f, encoding="utf-8-sig")；Stata：import delimited f, encoding(utf-8) varnames(1)。'
        ),
        (
            "Anonymised: respondents R01…, fieldworkers F01…, communities by letter; identifying answers left out."
            if en
            else "已匿名化：受访者为 R01…，访员为 F01…，社区为字母；可识别身份的回答未导出。"
        )
        if anonymised
        else ("Not anonymised: contains names. Keep it safe." if en else "未匿名化：含有姓名，请妥善保管。"),
        "",
    ]
    for name, columns, what in (
        ("interviews.csv", INTERVIEW_COLUMNS, ("每个访谈一行", "one row per interview")),
        ("answers.csv", ANSWER_COLUMNS, ("每个回答一行（长表）", "one row per answer (long table)")),
        ("codings.csv", CODING_COLUMNS, ("每个编码片段一行", "one row per coding")),
        ("codebook.csv", CODEBOOK_COLUMNS, ("每个代码一行", "one row per code")),
    ):
        lines.append(f"{name} — {what[1] if en else what[0]}")
        lines += [f"  {column}: {e if en else z}" for column, z, e in columns]
        lines.append("")
    for table in tables:
        if table.repeat:
            lines.append(f"{wide_file(table)} — " + _repeat_readme(table, en))
            continue
        lines.append(
            f"wide_{table.form_id}.csv — "
            + (
                f"{table.title}: one row per interview; interview_id first, one column per question (choice labels), "
                "each choice of a multiple choice as a 0/1 column '<question>: <choice>', then community, role, "
                "date, fieldworker, status and the community profile's fields."
                if en
                else f"{table.title}：每个访谈一行；首列为访谈编号，每题一列（选项标签），多选题每个选项另有 0/1 列"
                "「题目: 选项」，其后为社区、受访者类型、日期、访员、状态和社区概况字段。"
            )
        )
    lines.append("")
    return "\n".join(lines)
