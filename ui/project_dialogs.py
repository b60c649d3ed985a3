"""Making a project (the researcher): a name and a passphrase, then the project file to hand out and
a backup of the project keys; and the project's details, with what this database may do in it.
The keys and files are core/security/membership.py's; joining is ui/join_project_dialog.py."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from yingzao.core import errors
from yingzao.core.errors import YingzaoError
from yingzao.core.security import membership
from yingzao.core.security.project import Project
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.join_project_dialog import join_from_file
from yingzao.ui.project_files import (
    GREY_STYLE,
    KEYS_SUFFIX,
    PROJECT_SUFFIX,
    WARNING_STYLE,
    fingerprint_label,
    project_rows,
    safe_name,
    save_bytes,
    wrapped,
)

add_strings(
    {
        "proj.new.title": ("新建项目", "New project"),
        "proj.new.intro": (
            "为整个调研建立一个项目：它有自己的签名密钥和加密密钥。访员的数据包将加密给项目，"
            "只有持有项目密钥的数据库（就是这一个）能打开。本数据库的密钥成为第一位督导。",
            "Make one project for the whole study, with its own signing and encryption keys. Fieldworkers' "
            "packages are encrypted to the project, and only a database holding the project's keys (this one) "
            "opens them. This database's key becomes the first supervisor.",
        ),
        "proj.new.name": ("项目名称", "Project name"),
        "proj.new.name_placeholder": ("例如：产业社区治理调研 2026", "e.g. Industrial community governance 2026"),
        "proj.new.passphrase": ("项目口令", "Passphrase"),
        "proj.new.repeat": ("再输入一次", "Repeat it"),
        "proj.new.warning": (
            "口令至少 8 个字符；一句较长的话最好（用拼音或英文字母输入：口令框不接受输入法）。请务必记住它："
            "忘记口令将无法找回，也就再也打不开访员的数据包、改不了督导名单。",
            "At least 8 characters; a longer sentence is best (typed in pinyin or English letters: a passphrase box "
            "takes no input method). Remember it: a forgotten passphrase cannot be recovered, and without it no "
            "package can be opened and no supervisor added.",
        ),
        "proj.new.encrypt": (
            "要求各台电脑加密自己的数据库（推荐：电脑丢失时访谈不外泄）",
            "Laptops must encrypt their databases (recommended: a lost laptop leaks no interview)",
        ),
        "proj.new.create": ("建立项目", "Create project"),
        "proj.new.done": (
            "项目“{name}”已建立。\n\n下一步：\n1. 保存项目文件（.yzproject），交给每台访员和督导的电脑打开。\n"
            "2. 备份项目密钥（.yzkeys）到另一个地方（如 U 盘），以防这台电脑损坏。",
            "The project “{name}” is made.\n\nNext:\n1. Save the project file (.yzproject) and give it to every "
            "fieldworker's and supervisor's computer to open.\n2. Back up the project keys (.yzkeys) somewhere "
            "else (a USB stick), in case this computer breaks.",
        ),
        "proj.fingerprint_is": ("项目指纹（各台电脑加入时核对）：", "Project fingerprint (to compare when joining):"),
        "proj.save_project": ("保存项目文件…", "Save project file…"),
        "proj.save_keys": ("备份项目密钥…", "Back up project keys…"),
        "proj.keys_unsaved.title": ("还没有备份项目密钥", "The project keys are not backed up"),
        "proj.keys_unsaved.text": (
            "项目密钥只保存在这个数据库里。这台电脑丢失或损坏时，没有备份就再也打不开访员的数据包。"
            "备份文件仍由口令保护。现在备份吗？",
            "The project keys are kept only in this database. If this computer is lost or breaks, without a "
            "backup no package can ever be opened again. The backup is still protected by the passphrase. "
            "Back them up now?",
        ),
        "proj.keys_unsaved.backup": ("现在备份…", "Back up now…"),
        "proj.keys_unsaved.later": ("以后再说", "Later"),
        "proj.details.title": ("项目信息", "Project details"),
        "proj.details.none": (
            "这个数据库还不属于任何项目：它导出的数据包没有签名，也不加密。\n"
            "研究者：新建项目。访员和督导：打开研究者给的项目文件（.yzproject）。",
            "This database belongs to no project yet: its packages are neither signed nor encrypted.\n"
            "Researchers: make a project. Fieldworkers and supervisors: open the project file (.yzproject) "
            "the researcher gives you.",
        ),
        "proj.details.device": ("本机指纹", "This computer's fingerprint"),
        "proj.details.role": ("本数据库", "This database"),
        "proj.details.is_supervisor": ("持有督导密钥（可以审核）", "holds a supervisor key (may review)"),
        "proj.details.not_supervisor": ("没有督导密钥（不能审核）", "holds no supervisor key (may not review)"),
        "proj.details.holds_keys": (
            "持有项目密钥（可打开访员的数据包、修改督导名单）",
            "holds the project keys (opens packages, changes supervisors)",
        ),
        "proj.details.no_keys": ("没有项目密钥", "does not hold the project keys"),
        "proj.details.revision": ("第 {revision} 版，{at}", "revision {revision}, {at}"),
        "proj.new_button": ("新建项目…", "New project…"),
        "proj.join_button": ("加入项目…", "Join project…"),
    }
)


# -- making a project --------------------------------------------------------------------------


class NewProjectDialog(QDialog):
    """Name and passphrase, then the files to hand out: the project file, and a backup of the keys."""

    def __init__(self, store, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tr = store, tr
        self.project_data: bytes | None = None
        self.keys_saved: Path | None = None
        self.setWindowTitle(tr("proj.new.title"))
        self.setMinimumWidth(620)
        self.pages = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 14)
        layout.addWidget(self.pages)
        self._build_form()
        self._build_done()

    def _build_form(self) -> None:
        tr = self.tr
        page = QWidget(self.pages)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        column.addWidget(wrapped(tr("proj.new.intro"), page))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        self.name_edit = QLineEdit(page)
        self.name_edit.setPlaceholderText(tr("proj.new.name_placeholder"))
        self.passphrase_edit = QLineEdit(page)
        self.repeat_edit = QLineEdit(page)
        for field in (self.passphrase_edit, self.repeat_edit):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("proj.new.name"), self.name_edit)
        form.addRow(tr("proj.new.passphrase"), self.passphrase_edit)
        form.addRow(tr("proj.new.repeat"), self.repeat_edit)
        column.addLayout(form)
        column.addWidget(wrapped(tr("proj.new.warning"), page, WARNING_STYLE))
        self.encrypt_box = QCheckBox(tr("proj.new.encrypt"), page)
        self.encrypt_box.setChecked(True)
        column.addWidget(self.encrypt_box)
        self.error = wrapped("", page, "color: #b3261e;")
        self.error.hide()
        column.addWidget(self.error)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.create_button = QPushButton(tr("proj.new.create"), page)
        self.create_button.setDefault(True)
        cancel = QPushButton(tr("proj.cancel"), page)
        row.addWidget(self.create_button)
        row.addWidget(cancel)
        column.addLayout(row)
        self.create_button.clicked.connect(self.create)
        cancel.clicked.connect(self.reject)
        for field in (self.name_edit, self.passphrase_edit, self.repeat_edit):
            field.textChanged.connect(self._update)
        self._update()
        self.pages.addWidget(page)

    def _build_done(self) -> None:
        tr = self.tr
        page = QWidget(self.pages)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        self.done_text = wrapped("", page)
        column.addWidget(self.done_text)
        column.addWidget(QLabel(tr("proj.fingerprint_is"), page))
        self.fingerprint = fingerprint_label("", page)
        column.addWidget(self.fingerprint)
        self.save_project_button = QPushButton(tr("proj.save_project"), page)
        self.save_keys_button = QPushButton(tr("proj.save_keys"), page)
        self.saved_label = wrapped("", page, GREY_STYLE)
        for button in (self.save_project_button, self.save_keys_button):
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            column.addLayout(row)
        column.addWidget(self.saved_label)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = QPushButton(tr("proj.close"), page)
        row.addWidget(self.close_button)
        column.addLayout(row)
        self.save_project_button.clicked.connect(self.save_project_file)
        self.save_keys_button.clicked.connect(self.save_keys)
        self.close_button.clicked.connect(self.accept)
        self.pages.addWidget(page)

    def _update(self) -> None:
        filled = all(f.text() for f in (self.passphrase_edit, self.repeat_edit)) and self.name_edit.text().strip()
        self.create_button.setEnabled(bool(filled))

    def create(self) -> None:
        passphrase = self.passphrase_edit.text()
        try:
            if passphrase != self.repeat_edit.text():
                raise errors.passphrases_differ()
            self.project_data = membership.create_project(
                self.store, self.name_edit.text(), passphrase, encrypt_databases=self.encrypt_box.isChecked()
            )
        except YingzaoError as error:
            self.error.setText(f"{error.message}\n{error.hint}".strip())
            self.error.show()
            return
        project = membership.project(self.store)
        assert project is not None
        self.done_text.setText(self.tr("proj.new.done", name=project.name))
        self.fingerprint.setText(project.fingerprint)
        self.pages.setCurrentIndex(1)
        self.save_project_button.setFocus()

    def save_project_file(self) -> Path | None:
        project = membership.project(self.store)
        name = safe_name(project.name if project else "", "project") + PROJECT_SUFFIX
        saved = save_bytes(self, self.tr, self.tr("proj.save_project"), name, "proj.filter.project", self.project_data)
        if saved is not None:
            self._saved(saved)
        return saved

    def save_keys(self) -> Path | None:
        project = membership.project(self.store)
        name = safe_name(project.name if project else "", "project") + KEYS_SUFFIX
        data = membership.export_keys(self.store)
        saved = save_bytes(self, self.tr, self.tr("proj.save_keys"), name, "proj.filter.keys", data)
        if saved is not None:
            self.keys_saved = saved
            self._saved(saved)
        return saved

    def _saved(self, path: Path) -> None:
        lines = [t for t in self.saved_label.text().split("\n") if t]
        self.saved_label.setText("\n".join([*lines, self.tr("proj.saved", path=path)]))

    def accept(self) -> None:
        """Leaving without a backup of the keys is allowed, after one plain warning."""
        if self.project_data is not None and self.keys_saved is None:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("proj.keys_unsaved.title"),
                self.tr("proj.keys_unsaved.text"),
                parent=self,
            )
            backup = box.addButton(self.tr("proj.keys_unsaved.backup"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(self.tr("proj.keys_unsaved.later"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(backup)
            box.exec()
            if box.clickedButton() is backup and self.save_keys() is None:
                return  # chose to back up, then cancelled the file: stay here
        super().accept()

    def reject(self) -> None:
        if self.project_data is not None:  # made already: closing is leaving the second page
            self.accept()
            return
        super().reject()


def new_project(parent: QWidget | None, store, tr: Translator) -> bool:
    dialog = NewProjectDialog(store, tr, parent)
    try:
        dialog.exec()
        return dialog.project_data is not None
    finally:
        dialog.deleteLater()


# -- details -----------------------------------------------------------------------------------


class ProjectDetailsDialog(QDialog):
    """What this database's project is, who supervises it, and what this database may do in it."""

    def __init__(self, store, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tr = store, tr
        self.changed = False
        self.setWindowTitle(tr("proj.details.title"))
        self.setMinimumWidth(600)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(22, 18, 22, 14)
        self.column.setSpacing(12)
        project = membership.project(store)
        if project is None:
            self._build_none()
        else:
            self._build(project)
        row = QHBoxLayout()
        row.addStretch(1)
        close = QPushButton(tr("proj.close"), self)
        close.clicked.connect(self.accept)
        row.addWidget(close)
        self.column.addLayout(row)

    def _build_none(self) -> None:
        tr = self.tr
        self.column.addWidget(wrapped(tr("proj.details.none"), self))
        row = QHBoxLayout()
        self.new_button = QPushButton(tr("proj.new_button"), self)
        self.join_button = QPushButton(tr("proj.join_button"), self)
        for button in (self.new_button, self.join_button):
            button.setEnabled(not self.store.read_only)
            row.addWidget(button)
        row.addStretch(1)
        self.column.addLayout(row)
        self.new_button.clicked.connect(lambda: self._then(new_project))
        self.join_button.clicked.connect(lambda: self._then(join_from_file))

    def _then(self, step) -> None:
        if step(self, self.store, self.tr):
            self.changed = True
            self.accept()

    def _build(self, project: Project) -> None:
        tr, store = self.tr, self.store
        form = QFormLayout()
        form.setVerticalSpacing(8)
        revision = tr("proj.details.revision", revision=project.revision, at=project.updated_at[:10])
        self.fingerprint, self.supervisors = project_rows(form, project, tr, self, revision)
        has_keys = bool(store.get_setting(membership.DEVICE_KEYS)) or not store.read_only
        mine = membership.device_keys(store).public.fingerprint if has_keys else "—"
        self.device_fingerprint = fingerprint_label(mine, self)
        form.addRow(tr("proj.details.device"), self.device_fingerprint)
        rights = [
            tr("proj.details.is_supervisor" if membership.is_supervisor(store) else "proj.details.not_supervisor"),
            tr("proj.details.holds_keys" if membership.holds_project_keys(store) else "proj.details.no_keys"),
        ]
        self.rights = wrapped("\n".join(rights), self)
        form.addRow(tr("proj.details.role"), self.rights)
        self.column.addLayout(form)


def show_details(parent: QWidget | None, store, tr: Translator) -> bool:
    """Show the details; True when a project was made or joined from them."""
    dialog = ProjectDetailsDialog(store, tr, parent)
    try:
        dialog.exec()
        return dialog.changed
    finally:
        dialog.deleteLater()
