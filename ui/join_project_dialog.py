"""Joining a project from its `.yzproject` file: what the file says is shown first, for the user to
compare its fingerprint with the one the researcher reads out; then this computer's own fingerprint,
to read back. A newer revision of the same project (a supervisor added) is taken the same way."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from yingzao.core import errors
from yingzao.core.errors import YingzaoError
from yingzao.core.security import membership
from yingzao.core.security.project import Project, ProjectFileError, read_file
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.project_files import WARNING_STYLE, fingerprint_label, open_bytes, project_rows, wrapped

add_strings(
    {
        "proj.join.title": ("加入项目", "Join project"),
        "proj.join.intro": (
            "请核对：研究者念出的项目指纹必须与下面的完全一致，否则不要加入。",
            "Compare: the project fingerprint the researcher reads out must be exactly the one below; "
            "if it is not, do not join.",
        ),
        "proj.join.update_intro": (
            "这是本机所属项目的新版本项目文件（例如督导名单有变）。确认后即采用。",
            "This is a newer revision of this database's project file (the supervisors may have changed). "
            "Confirm to take it.",
        ),
        "proj.join.same": (
            "本机已有这一版（或更新的）项目文件，无需再次打开。",
            "This database already holds this revision of the project file (or a newer one); nothing to do.",
        ),
        "proj.join.confirm": ("指纹一致，加入", "The fingerprint matches: join"),
        "proj.join.confirm_update": ("采用新版本", "Take the new revision"),
        "proj.join.done": (
            "已加入项目“{name}”。请把本机指纹念给研究者，让他在接受本机的数据包时核对：",
            "Joined the project “{name}”. Read this computer's fingerprint to the researcher, who compares it "
            "when accepting this computer's packages:",
        ),
        "proj.join.updated": ("已采用项目文件第 {revision} 版。", "Took revision {revision} of the project file."),
        "proj.join.now_supervisor": (
            "本机现在是项目的督导，可以审核访谈。",
            "This computer is now a supervisor of the project and may review interviews.",
        ),
        "proj.join.encrypt_note": (
            "这个项目要求各台电脑加密自己的数据库：如果这台电脑的数据库还没有加密，请在“文件”菜单中加密它。",
            "This project asks every laptop to encrypt its database: if this computer's database is not "
            "encrypted yet, encrypt it from the File menu.",
        ),
        "proj.open_file": ("打开项目文件", "Open project file"),
    }
)


class JoinProjectDialog(QDialog):
    """A project file as read, for the user to compare its fingerprint; then this computer's own."""

    def __init__(self, store, tr: Translator, data: bytes, source: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tr, self.data, self.source = store, tr, data, source
        self.offered: Project = read_file(data)  # the caller checked it (see `join_from_file`)
        self.joined: Project | None = None
        current = membership.project(store)
        self.update = current is not None
        self.setWindowTitle(tr("proj.join.title"))
        self.setMinimumWidth(580)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 14)
        layout.setSpacing(12)
        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages)
        self._build_check(current)
        self._build_done()

    def _build_check(self, current: Project | None) -> None:
        tr, offered = self.tr, self.offered
        page = QWidget(self.pages)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        same = current is not None and offered.revision <= current.revision and offered.keys == current.keys
        self.intro = wrapped(
            tr("proj.join.same" if same else "proj.join.update_intro" if self.update else "proj.join.intro"), page
        )
        column.addWidget(self.intro)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        self.fingerprint, _supervisors = project_rows(form, offered, tr, page)
        column.addLayout(form)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.join_button = QPushButton(tr("proj.join.confirm_update" if self.update else "proj.join.confirm"), page)
        self.join_button.setVisible(not same)
        cancel = QPushButton(tr("proj.close" if same else "proj.cancel"), page)
        cancel.setDefault(True)  # Enter does not join before the fingerprint was read
        row.addWidget(self.join_button)
        row.addWidget(cancel)
        column.addLayout(row)
        self.join_button.clicked.connect(self.join)
        cancel.clicked.connect(self.reject)
        self.pages.addWidget(page)

    def _build_done(self) -> None:
        page = QWidget(self.pages)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        self.done_text = wrapped("", page)
        column.addWidget(self.done_text)
        self.device_fingerprint = fingerprint_label("", page)
        column.addWidget(self.device_fingerprint)
        self.supervisor_text = wrapped("", page, "color: #1f5f23;")
        column.addWidget(self.supervisor_text)
        self.encrypt_note = wrapped(self.tr("proj.join.encrypt_note"), page, WARNING_STYLE)
        column.addWidget(self.encrypt_note)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = QPushButton(self.tr("proj.close"), page)
        self.close_button.setDefault(True)
        row.addWidget(self.close_button)
        column.addLayout(row)
        self.close_button.clicked.connect(self.accept)
        self.pages.addWidget(page)

    def join(self) -> None:
        tr = self.tr
        try:
            self.joined = membership.join_project(self.store, self.data, self.source)
            fingerprint = membership.device_keys(self.store).public.fingerprint
        except YingzaoError as error:
            error_dialog.show_error(self, tr, error)
            return
        if self.update:
            self.done_text.setText(tr("proj.join.updated", revision=self.joined.revision))
            self.device_fingerprint.hide()
        else:
            self.done_text.setText(tr("proj.join.done", name=self.joined.name))
            self.device_fingerprint.setText(fingerprint)
        supervisor = membership.is_supervisor(self.store)
        self.supervisor_text.setText(tr("proj.join.now_supervisor") if supervisor else "")
        self.supervisor_text.setVisible(supervisor)
        self.encrypt_note.setVisible(self.joined.encrypt_databases)
        self.pages.setCurrentIndex(1)


def read_project_file(parent: QWidget | None, tr: Translator) -> tuple[Path, bytes] | None:
    """Choose and check a project file; a damaged or forged one is said, and None returned."""
    chosen = open_bytes(parent, tr, tr("proj.open_file"), "proj.filter.project")
    if chosen is None:
        return None
    path, data = chosen
    try:
        read_file(data)
    except ProjectFileError as problem:
        error_dialog.show_error(parent, tr, errors.bad_project_file(path, problem.why))
        return None
    return path, data


def join_from_file(parent: QWidget | None, store, tr: Translator) -> bool:
    """Open a project file, show it to compare, join; True when the database took it."""
    chosen = read_project_file(parent, tr)
    if chosen is None:
        return False
    dialog = JoinProjectDialog(store, tr, chosen[1], chosen[0], parent)
    try:
        dialog.exec()
        return dialog.joined is not None
    finally:
        dialog.deleteLater()
