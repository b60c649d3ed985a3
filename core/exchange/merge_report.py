"""The merge report as text lines (command line) and as an Excel workbook (saved from the app or CLI)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from yingzao.core.durable import write_durably
from yingzao.core.errors import Text
from yingzao.core.exchange.merge import (
    ALREADY_MERGED,
    CANCELLED,
    HELD,
    HELD_NOTE,
    MERGED,
    REFUSED,
    UNSIGNED_NOTE,
    MergeReport,
    PackageReport,
)
from yingzao.core.export.xlsx_text import cell_text, xml_safe
from yingzao.core.timestamps import to_local

# What a terminal would act on: C0 and C1 controls (escape sequences), besides what XML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def describe(line: PackageReport) -> str:
    return printable(str(_describe(line)))


def printable(text: str) -> str:
    """A line as it may be printed: file names and manifest fields come from the package and may hold
    escape sequences or lone surrogates (a console cannot even encode those)."""
    return _CONTROL.sub("\ufffd", xml_safe(text))


def _describe(line: PackageReport) -> Text:
    name = line.file_name
    if line.status == MERGED:
        text = Text(
            f"{name}：已合并 —— 新增 {line.added}，更新 {line.updated}，重复 {line.duplicates}，"
            f"跳过旧版本 {line.older}，冲突 {len(line.conflicts)}",
            f"{name}: merged — {line.added} added, {line.updated} updated, "
            f"{line.duplicates} duplicate(s), {line.older} older version(s) skipped, "
            f"{len(line.conflicts)} conflict(s)",
        )
        if line.signed_by:
            text += Text(f"（签名设备指纹 {line.signed_by}）", f" (signed by device {line.signed_by})")
        notes = [_NOTES.get(note, Text(note, note)) for note in line.notes]
        return text + Text("".join(f"\n    备注：{n.zh}" for n in notes), "".join(f"\n    note: {n.en}" for n in notes))
    if line.status == HELD:
        return Text(
            f"{name}：暂存 —— 来自尚未接受的设备（访员 {line.fieldworker}，指纹 {line.signed_by}）。"
            "请与访员核对其电脑上显示的指纹，再在“设备”中接受（python main.py devices accept 指纹），届时自动合并",
            f"{name}: HELD — from a device not yet accepted (fieldworker {line.fieldworker}, fingerprint "
            f"{line.signed_by}). Compare the fingerprint with the one the fieldworker's laptop shows, then accept "
            "the device under Devices (python main.py devices accept FINGERPRINT); it merges then",
        )
    if line.status == ALREADY_MERGED:
        return Text(
            f"{name}：已于 {line.merged_at} 合并过 —— 没有任何改动",
            f"{name}: already merged on {line.merged_at} — nothing changed",
        )
    if line.status == REFUSED:
        return Text(f"{name}：拒收 —— {line.reason}", f"{name}: REFUSED — {line.reason}")
    if line.status == CANCELLED:
        return Text(f"{name}：未合并（已取消）", f"{name}: not merged (cancelled)")
    return Text(f"{name}: {line.status}", f"{name}: {line.status}")


_NOTES = {
    UNSIGNED_NOTE: Text(
        "未签名的数据包：来源和完整性都无法确认（按“合并未签名的数据包”合并）",
        "unsigned package: neither who made it nor that it is unaltered could be checked (merged as allowed)",
    ),
    HELD_NOTE: Text("此前暂存，设备被接受后合并", "held until its device was accepted, then merged"),
}


def summary_lines(report: MergeReport) -> list[str]:
    """The report as the command line prints it, in the interface language (`errors.set_language`)."""
    lines = [describe(line) for line in report.packages]
    merged = [p for p in report.packages if p.status == MERGED]
    files, already = len(report.packages), sum(p.status == ALREADY_MERGED for p in report.packages)
    refused = sum(p.status == REFUSED for p in report.packages)
    held = sum(p.status == HELD for p in report.packages)
    added, updated = sum(p.added for p in merged), sum(p.updated for p in merged)
    conflicted = sum(len(p.conflicts) for p in merged)
    lines.append(
        str(
            Text(
                f"合计：{files} 个文件 —— 已合并 {len(merged)}，此前已合并 {already}，拒收 {refused}，暂存 {held}；"
                f"新增访谈 {added}，更新 {updated}，冲突 {conflicted}",
                f"total: {files} file(s) — {len(merged)} merged, {already} already merged, {refused} refused, "
                f"{held} held; "
                f"{added} interview(s) added, {updated} updated, {conflicted} conflict(s)",
            )
        )
    )
    conflicts = report.conflicts()
    if conflicts:
        lines.append(
            str(
                Text(
                    "有冲突的访谈（两个版本都已保留；请在应用中的“解决冲突”里处理）：",
                    "interviews in conflict (both versions kept; resolve them in the app under Resolve conflicts):",
                )
            )
        )
        lines += [
            printable(str(Text(f"    {interview_id}  （来自 {file_name}）", f"    {interview_id}  (from {file_name})")))
            for interview_id, file_name in conflicts
        ]
    return lines


_PACKAGE_COLUMNS = (
    ("文件 file", lambda p: p.file_name),
    ("结果 status", lambda p: p.status),
    ("新增 added", lambda p: p.added),
    ("更新 updated", lambda p: p.updated),
    ("重复 duplicates", lambda p: p.duplicates),
    ("旧版本 older", lambda p: p.older),
    ("冲突 conflicts", lambda p: len(p.conflicts)),
    ("拒收原因 refused because", lambda p: p.reason),
    ("设备 device", lambda p: p.device_id),
    ("访员 fieldworker", lambda p: p.fieldworker),
    ("导出时间 created", lambda p: _local(p.created_at)),  # real date-times, in this computer's zone
    ("合并时间 merged", lambda p: _local(p.merged_at)),
    ("备注 notes", lambda p: "; ".join(str(_NOTES.get(n, n)) for n in p.notes)),
    ("签名设备 signed by", lambda p: p.signed_by or "—"),
    ("数据包 package id", lambda p: p.package_id),
)


def _local(stamp: str) -> dt.datetime | None:
    try:
        return to_local(stamp)
    except (OverflowError, ValueError):  # a manifest's created_at at the edge of the calendar
        return None


def save_report_xlsx(report: MergeReport, path: Path | str) -> Path:
    """Three sheets: one row per package, the interviews in conflict, and every interview merged with
    its outcome and the protocol version it was taken with.

    Every text is written as text (a file name or a manifest's fieldworker such as `=HYPERLINK(…)`
    stays inert) and XML-safe; the workbook is built in memory and written beside `path`, flushed and
    renamed, so a full disk leaves the old report or none, never a half-written one."""
    import openpyxl
    from openpyxl.styles import Font

    path = Path(path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "packages"
    _append(sheet, [title for title, _ in _PACKAGE_COLUMNS])
    for line in report.packages:
        _append(sheet, [value(line) for _, value in _PACKAGE_COLUMNS])
    conflicts = book.create_sheet("conflicts")
    _append(conflicts, ["访谈 interview", "文件 file"])
    for interview_id, file_name in report.conflicts():
        _append(conflicts, [interview_id, file_name])
    interviews = book.create_sheet("interviews")
    _append(
        interviews,
        ["文件 file", "访谈 interview", "结果 outcome", "提纲 protocol", "提纲版本 protocol version", "状态 status"],
    )
    for line in report.packages:
        for item in line.interviews:
            _append(
                interviews,
                [
                    line.file_name,
                    item["id"],
                    item["outcome"],
                    item["protocol_id"],
                    item["protocol_version"],
                    item["status"],
                ],
            )
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
        for column in ws.columns:
            width = max(19 if isinstance(c.value, dt.datetime) else len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    buffer = io.BytesIO()  # in memory first: a failing disk then cannot leave openpyxl's zip half-closed
    book.save(buffer)
    write_durably(path, buffer.getvalue())
    return path


def _append(sheet, values: list) -> None:
    sheet.append([cell_text(v) if isinstance(v, str) else v for v in values])
