"""A merge report as a table, one line per package: the merge dialog's and the devices dialog's
(accepting a device merges what it had sent). Held and refused lines stand out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from yingzao.core.exchange.merge import ALREADY_MERGED, HELD, HELD_NOTE, MERGED, REFUSED, UNSIGNED_NOTE, MergeReport
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.interview_list_model import local_time  # a raw UTC timestamp is not for people

add_strings(
    {
        "merge.col.file": ("文件", "File"),
        "merge.col.status": ("结果", "Result"),
        "merge.col.added": ("新增", "Added"),
        "merge.col.updated": ("更新", "Updated"),
        "merge.col.duplicates": ("重复", "Duplicates"),
        "merge.col.conflicts": ("冲突", "Conflicts"),
        "merge.col.reason": ("说明", "Details"),
        "merge.status.merged": ("已合并", "merged"),
        "merge.status.already_merged": ("此前已合并", "already merged"),
        "merge.status.refused": ("拒收", "refused"),
        "merge.status.cancelled": ("已取消", "cancelled"),
        "merge.status.held": ("暂存", "held"),
        "merge.older": ("{count} 个旧版本已跳过", "{count} older version(s) skipped"),
        "merge.already_on": ("于 {at} 合并，未作任何改动", "merged on {at}; nothing changed"),
        "merge.conflicts_list": ("有冲突的访谈：{ids}", "in conflict: {ids}"),
        "merge.held_details": (
            "来自尚未接受的设备（访员 {fieldworker}，指纹 {fingerprint}）：请在“设备…”中与访员核对指纹后接受，届时自动合并",
            "from a device not yet accepted (fieldworker {fieldworker}, fingerprint {fingerprint}): compare the "
            "fingerprint with the fieldworker under Devices…, then accept it; it merges then",
        ),
        "merge.note.unsigned": (
            "未签名的旧格式数据包：来源和完整性都无法确认",
            "unsigned package (older format): neither who made it nor that it is unaltered could be checked",
        ),
        "merge.note.was_held": ("此前暂存，设备被接受后合并", "held until its device was accepted, then merged"),
        "merge.signed_by": ("签名设备 {fingerprint}", "signed by device {fingerprint}"),
    }
)

COLUMNS = ("file", "status", "added", "updated", "duplicates", "conflicts", "reason")
_NOTES = {UNSIGNED_NOTE: "merge.note.unsigned", HELD_NOTE: "merge.note.was_held"}
HELD_BACKGROUND = QColor("#fdf3d8")  # the review badge's "waiting" colour


def report_table(tr: Translator, parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(COLUMNS), parent)
    table.setHorizontalHeaderLabels([tr(f"merge.col.{c}") for c in COLUMNS])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(COLUMNS) - 1):  # short numbers under words: the header sets the width
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def details(line, tr: Translator) -> str:
    """The last column: why a file was refused or held, or what merging it brought."""
    if line.status == ALREADY_MERGED:
        return tr("merge.already_on", at=local_time(line.merged_at))
    if line.status == HELD:
        return tr("merge.held_details", fieldworker=line.fieldworker, fingerprint=line.signed_by)
    if line.status != MERGED:
        return line.reason
    parts = [tr("merge.older", count=line.older)] if line.older else []
    if line.conflicts:
        parts.append(tr("merge.conflicts_list", ids=", ".join(line.conflicts)))
    parts += [tr(_NOTES[n]) if n in _NOTES else n for n in line.notes]
    if line.signed_by:
        parts.append(tr("merge.signed_by", fingerprint=line.signed_by))
    return "; ".join(parts)


def fill(table: QTableWidget, report: MergeReport, tr: Translator) -> None:
    table.setRowCount(len(report.packages))
    for row, line in enumerate(report.packages):
        values = (
            line.file_name,
            tr(f"merge.status.{line.status}"),
            line.added,
            line.updated,
            line.duplicates,
            len(line.conflicts),
            details(line, tr),
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(str(value))
            item.setToolTip(str(value))
            if line.status == REFUSED:
                item.setForeground(Qt.GlobalColor.darkRed)
            elif line.status == HELD:
                item.setBackground(QBrush(HELD_BACKGROUND))
            table.setItem(row, column, item)
    for column in range(len(COLUMNS) - 1):
        table.resizeColumnToContents(column)
