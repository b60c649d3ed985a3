"""Export to Excel: choose filters, anonymisation, language and file; the export runs in a worker
thread with a progress bar and Cancel, and offers to open the folder when done.

The dialog never touches the database itself: the background job calls
`yingzao.core.export.workbook.export_workbook`, which opens its own store in the job's thread.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from yingzao.core import errors
from yingzao.core.errors import YingzaoError
from yingzao.core.export.csv_tables import CsvResult, export_csv
from yingzao.core.export.files import remove_stale
from yingzao.core.export.refi_source import read_refi_content
from yingzao.core.export.workbook import ExportFilters, ExportOptions, ExportResult, export_workbook, filter_choices
from yingzao.core.forms.protocol import ROLES
from yingzao.core.store.records import STATUSES
from yingzao.ui import error_dialog
from yingzao.ui.background import Job
from yingzao.ui.export_job import ExportJobMixin
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "export.title": ("导出 Excel", "Export to Excel"),
        "export.communities": ("社区", "Communities"),
        "export.roles": ("受访者类型", "Respondent roles"),
        "export.statuses": ("状态", "Statuses"),
        "export.community_row": ("{id} — {name}（{n} 份）", "{id} — {name} ({n})"),
        "export.no_communities": ("数据库中还没有社区。", "No communities in the database yet."),
        "export.anonymize": (
            "匿名导出：删除可识别信息，受访者和访员以代码（R01、F01…）表示，社区以字母表示",
            "Anonymise: leave out identifying answers; respondents and fieldworkers as codes (R01, F01…), "
            "communities by letter",
        ),
        "export.accept_detected": (
            "未审核的可识别词也以「〔已删除〕」替换后导出（说明表会注明；建议先在“数据 → 审核匿名化…”中审核）",
            'Export even with identifying terms nobody reviewed, replaced by "[removed]" (the About sheet says so; '
            "review them first in Data → Review anonymisation…)",
        ),
        "export.count_suggestions": (
            "把未审阅的提纲建议也计为证据（说明表会注明；默认只计研究者的编码）",
            "Count protocol suggestions nobody has reviewed as evidence too (the About sheet says so; by default "
            "only researchers' codings count)",
        ),
        "export.language": ("表格语言", "Workbook language"),
        "export.format": ("格式", "Format"),
        "export.format.tidy": ("分析工作簿（按编码框架组织）", "Analysis workbook (by the coding frame)"),
        "export.format.wide": (
            "问卷导入工作簿（每个访谈一行，供 NVivo、ATLAS.ti、QualCoder 导入）",
            "Survey-import workbook (one row per interview, for NVivo, ATLAS.ti, QualCoder)",
        ),
        "export.format.csv": ("CSV 文件夹（供 R、Stata、pandas 使用）", "CSV folder (for R, Stata, pandas)"),
        "export.folder": ("保存到文件夹", "Save to folder"),
        "export.done_csv": (
            "已导出 {interviews} 份访谈、{answers} 条回答到文件夹\n{path}",
            "Exported {interviews} interviews and {answers} answers to the folder\n{path}",
        ),
        "export.file": ("保存为", "Save as"),
        "export.choose": ("选择…", "Choose…"),
        "export.file_filter": ("Excel 工作簿 (*.xlsx)", "Excel workbook (*.xlsx)"),
        "export.start": ("导出", "Export"),
        "export.cancel": ("取消", "Cancel"),
        "export.close": ("关闭", "Close"),
        "export.open_folder": ("打开文件夹", "Open folder"),
        "export.pick_one": ("每组筛选条件至少选一项。", "Choose at least one item in each filter."),
        "export.need_file": ("请选择保存的文件。", "Choose a file to save to."),
        "export.running": ("正在导出……", "Exporting…"),
        "export.cancelling": ("正在取消……", "Cancelling…"),
        "export.cancelled": ("已取消，没有写入文件。", "Cancelled; no file was written."),
        "export.done": (
            "已导出 {interviews} 份访谈、{answers} 条回答到\n{path}",
            "Exported {interviews} interviews and {answers} answers to\n{path}",
        ),
        "export.failed": ("导出失败：{message}", "Export failed: {message}"),
        "export.damaged": (
            "\n\n注意：数据库已损坏，只导出了可读取的部分（详见文件的「说明」表）：{problems}",
            "\n\nWarning: the database is damaged; only what could be read was exported (the file's About "
            "sheet says what is missing): {problems}",
        ),
    }
)


class ExportDialog(ExportJobMixin, QDialog):
    def __init__(self, parent: QWidget | None, store_path: Path, tr: Translator) -> None:
        super().__init__(parent)
        self.store_path, self.tr = Path(store_path), tr
        self.result: ExportResult | CsvResult | None = None
        self.job: Job | None = None
        self.setWindowTitle(tr("export.title"))
        self.resize(620, 560)
        layout = QVBoxLayout(self)

        choices = filter_choices(self.store_path)
        self.community_boxes: dict[str, QCheckBox] = {}
        group = self._group(layout, tr("export.communities"), vertical=True, scroll=True)
        for community_id, name, count in choices.communities:
            box = self._check(group, tr("export.community_row", id=community_id, name=name, n=count))
            self.community_boxes[community_id] = box
        if not choices.communities:
            group.layout().addWidget(QLabel(tr("export.no_communities")))
        group = self._group(layout, tr("export.roles"))
        self.role_boxes = {role: self._check(group, tr(f"role.{role}")) for role in ROLES}
        group = self._group(layout, tr("export.statuses"))
        self.status_boxes = {status: self._check(group, tr(f"status.{status}")) for status in STATUSES}

        form = QFormLayout()
        self.anonymize = QCheckBox(tr("export.anonymize"))
        form.addRow(self.anonymize)
        self.accept_detected = QCheckBox(tr("export.accept_detected"))
        self.accept_detected.setEnabled(False)
        self.anonymize.toggled.connect(self.accept_detected.setEnabled)
        form.addRow(self.accept_detected)
        self.count_suggestions = QCheckBox(tr("export.count_suggestions"))
        form.addRow(self.count_suggestions)
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(1 if tr.lang == "en" else 0)
        form.addRow(tr("export.language"), self.language)
        self.format = QComboBox()
        for key in ("tidy", "wide", "csv"):
            self.format.addItem(tr(f"export.format.{key}"), key)
        self.format.currentIndexChanged.connect(self._format_changed)
        form.addRow(tr("export.format"), self.format)
        file_row = QHBoxLayout()
        default = _default_target()
        remove_stale(default.parent)  # files a killed export left in the usual folder hold answers in clear
        self.path_edit = QLineEdit(str(default))
        self.choose_button = QPushButton(tr("export.choose"))
        self.choose_button.clicked.connect(self.choose_file)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        form.addRow(tr("export.file"), file_row)
        self.file_label = form.labelForField(file_row)
        layout.addLayout(form)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(tr("export.open_folder"))
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.open_folder)
        self.start_button = QPushButton(tr("export.start"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("export.close"))
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    # -- building ----------------------------------------------------------------------------

    def _group(self, layout: QVBoxLayout, title: str, *, vertical: bool = False, scroll: bool = False) -> QGroupBox:
        group = QGroupBox(title)
        group.setLayout(QVBoxLayout() if vertical else QHBoxLayout())
        if scroll:  # a project with many communities keeps the dialog on screen
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setMaximumHeight(220)
            area.setWidget(group)
            layout.addWidget(area)
        else:
            layout.addWidget(group)
        return group

    def _check(self, group: QGroupBox, text: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(True)
        box.toggled.connect(self._update_start)
        group.layout().addWidget(box)
        return box

    def _update_start(self) -> None:
        ok = all(
            any(b.isChecked() for b in boxes.values()) or not boxes
            for boxes in (self.community_boxes, self.role_boxes, self.status_boxes)
        )
        self.start_button.setEnabled(ok and self.job is None)
        self.status.setText("" if ok else self.tr("export.pick_one"))

    # -- choices -----------------------------------------------------------------------------

    def options(self) -> ExportOptions:
        """All boxes of a group ticked means no filter (also keeps interviews with no community)."""

        def chosen(boxes: dict[str, QCheckBox]) -> tuple[str, ...]:
            ticked = tuple(key for key, box in boxes.items() if box.isChecked())
            return () if len(ticked) == len(boxes) else ticked

        filters = ExportFilters(chosen(self.community_boxes), chosen(self.role_boxes), chosen(self.status_boxes))
        anonymize = self.anonymize.isChecked()
        return ExportOptions(
            filters,
            lang=self.language.currentData(),
            anonymize=anonymize,
            accept_detected=anonymize and self.accept_detected.isChecked(),
            count_suggestions=self.count_suggestions.isChecked(),
            layout="wide" if self.format.currentData() == "wide" else "tidy",
        )

    def to_csv(self) -> bool:
        return self.format.currentData() == "csv"

    def target(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if self.to_csv():  # a folder
            return path.with_suffix("") if path.suffix.lower() == ".xlsx" else path
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def _format_changed(self) -> None:
        """A CSV export goes to a folder: the suggested name loses its .xlsx, and gets it back."""
        target = self.target()
        if target is not None:
            self.path_edit.setText(str(target))
        if isinstance(self.file_label, QLabel):
            self.file_label.setText(self.tr("export.folder" if self.to_csv() else "export.file"))

    def choose_file(self) -> None:
        if self.to_csv():
            folder = QFileDialog.getExistingDirectory(self, self.tr("export.title"), self.path_edit.text())
            if folder:
                self.path_edit.setText(folder)
            return
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("export.title"), self.path_edit.text(), self.tr("export.file_filter")
        )
        if name:
            self.path_edit.setText(name)

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        target = self._prepared_target()
        if target is None:
            return
        db_path, options, to_csv = self.store_path, self.options(), self.to_csv()

        def work(job: Job) -> ExportResult | CsvResult:
            if to_csv:
                content = read_refi_content(db_path, options.lang)  # codings.csv: the database's codings
                return export_csv(
                    db_path,
                    target,
                    options,
                    codes=content.codes,
                    codings=content.codings,
                    codebook=content.book,
                    progress=lambda done, total: job.progress(done, total, ""),
                    cancelled=job.cancelled,
                )
            return export_workbook(
                db_path,
                target,
                options,
                progress=lambda done, total: job.progress(done, total, ""),
                cancelled=job.cancelled,
            )

        self._launch(work)

    def _on_success(self, result: ExportResult | CsvResult) -> None:
        self._finish()
        self.result = result
        if isinstance(result, CsvResult):
            self.status.setText(
                self.tr("export.done_csv", interviews=result.interviews, answers=result.answers, path=result.folder)
            )
            self.open_button.setVisible(True)
            return
        text = self.tr(
            "export.done", interviews=result.interviews + result.profiles, answers=result.answers, path=result.path
        )
        if result.damage:
            english = self.tr.lang == "en"
            text += self.tr("export.damaged", problems="; ".join(d.en if english else d.zh for d in result.damage))
        self.status.setText(text)
        self.open_button.setVisible(True)

    def _on_failure(self, error: YingzaoError) -> None:
        self._finish()
        if isinstance(error, errors.ExportCancelled):
            self.status.setText(self.tr("export.cancelled"))
            return
        self.status.setText(self.tr("export.failed", message=error.message))

        error_dialog.show_error(self, self.tr, error)

    def _finish(self) -> None:
        if self.job is not None:
            self.job.wait()
        self.job = None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running or self.progress.value() > 0)
        if running:
            self.progress.setRange(0, 0)  # busy until the first report
        for widget in (
            self.start_button,
            self.choose_button,
            self.path_edit,
            self.anonymize,
            self.accept_detected,
            self.count_suggestions,
            self.language,
            self.format,
            *self.community_boxes.values(),
            *self.role_boxes.values(),
            *self.status_boxes.values(),
        ):
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(True)
        self.accept_detected.setEnabled(not running and self.anonymize.isChecked())
        self.cancel_button.setText(self.tr("export.cancel" if running else "export.close"))

    def open_folder(self) -> None:
        if isinstance(self.result, CsvResult):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.folder)))
        elif self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.path.parent)))

    def done(self, code: int) -> None:
        """Closing while an export runs cancels it and waits: no thread outlives the dialog."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().done(code)


def _default_target() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(documents) if documents and Path(documents).is_dir() else Path.home()
    return folder / f"yingzao-export-{dt.datetime.now():%Y%m%d-%H%M}.xlsx"


def open_export_dialog(parent: QWidget | None, store_path: Path, tr: Translator) -> None:
    """Show the export dialog (modal) for the database at `store_path`."""
    try:
        dialog = ExportDialog(parent, store_path, tr)
    except YingzaoError as error:
        error_dialog.show_error(parent, tr, error)
        return
    dialog.exec()
    dialog.deleteLater()
