"""Who is using this computer: name, role and device label, asked on first launch and changeable later.

The name goes on every answer and audit row the user writes (`store.user`); the role is a label,
not a permission (see README, Access control).
"""

from __future__ import annotations

from PySide6.QtCore import QSysInfo, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from yingzao.core import preferences
from yingzao.core.security import membership
from yingzao.core.store.database import Store
from yingzao.ui.i18n import USER_ROLES, Translator, add_strings, role_label  # noqa: F401 (role_label: for callers)
from yingzao.ui.join_project_dialog import join_from_file

add_strings(
    {
        "firstrun.title": ("欢迎使用营造", "Welcome to Yingzao"),
        "firstrun.title_change": ("您的身份", "Your identity"),
        "firstrun.intro": (
            "开始之前，请告诉我们您是谁。您的姓名会记录在您录入的每一条回答和每一次修改上。",
            "Before you start, please tell us who you are. "
            "Your name is recorded with every answer and every change you make.",
        ),
        "firstrun.intro_change": (
            "此后录入的回答和修改将记在新的姓名下；已有的记录不变。",
            "Answers and changes from now on are recorded under the new name; existing records stay as they are.",
        ),
        "firstrun.name": ("姓名", "Name"),
        "firstrun.name_placeholder": ("例如：王芳", "e.g. Wang Fang"),
        "firstrun.role": ("角色", "Role"),
        "firstrun.role_hint.fieldworker": ("到现场访谈，录入回答", "interviews in the field and records the answers"),
        "firstrun.role_hint.supervisor": (
            "审阅访谈，批注、通过或退回（须持有项目的督导密钥）",
            "reviews interviews: comments, approves or sends back (with a supervisor key of the project)",
        ),
        "firstrun.role_hint.researcher": (
            "合并各台电脑的数据，导出分析",
            "merges the data of all laptops and exports it for analysis",
        ),
        "firstrun.device": ("设备名称", "Device label"),
        "firstrun.device_hint": (
            "用于区分不同电脑导出的数据，例如“调研笔记本 2”。",
            "Tells apart the exports of different computers, e.g. “Field laptop 2”.",
        ),
        "firstrun.project": ("我有项目文件…", "I have a project file…"),
        "firstrun.project_hint": (
            "研究者给了您项目文件（.yzproject）？现在打开它，本机的数据包就会签名并加密。也可以以后在“文件 → 项目”中打开。",
            "Did the researcher give you a project file (.yzproject)? Open it now, and this computer's packages "
            "are signed and encrypted. You can also open it later under File → Project.",
        ),
        "firstrun.project_joined": ("已加入项目“{name}”。", "Joined the project “{name}”."),
        "firstrun.ok": ("确定", "OK"),
        "firstrun.start": ("开始使用", "Start"),
        "firstrun.cancel": ("取消", "Cancel"),
        "firstrun.other_language": ("English", "中文"),
        "firstrun.leave.title": ("退出营造？", "Quit Yingzao?"),
        "firstrun.leave.text": (
            "还没有填写您的姓名。不填写就无法开始访谈：要退出营造吗？",
            "Your name is not filled in yet, and interviews cannot start without it. Quit Yingzao?",
        ),
        "firstrun.leave.quit": ("退出", "Quit"),
        "firstrun.leave.stay": ("继续填写", "Go back and fill it in"),
    }
)


class IdentityDialog(QDialog):
    def __init__(self, store: Store, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tr = store, tr
        self.first_run = not store.get_setting("user_name")
        self.setModal(True)
        self.setMinimumWidth(520)

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.language_button = QPushButton(self)
        self.language_button.setFlat(True)
        self.language_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.language_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.language_button.clicked.connect(self._switch_language)
        top = QHBoxLayout()
        top.addWidget(self.intro, 1)
        top.addWidget(self.language_button, 0, Qt.AlignmentFlag.AlignTop)

        self.name_edit = QLineEdit(store.get_setting("user_name") or "", self)
        self.name_edit.setClearButtonEnabled(True)
        self.role_buttons: dict[str, QRadioButton] = {}
        self.role_group = QButtonGroup(self)
        roles_box = QVBoxLayout()
        roles_box.setSpacing(4)
        current_role = store.get_setting("user_role")
        for role in USER_ROLES:
            button = QRadioButton(self)
            button.setChecked(role == (current_role if current_role in USER_ROLES else "fieldworker"))
            self.role_group.addButton(button)
            self.role_buttons[role] = button
            roles_box.addWidget(button)
        self.device_edit = QLineEdit(store.get_setting("device_label") or QSysInfo.machineHostName(), self)
        self.device_hint = QLabel(self)
        self.device_hint.setWordWrap(True)
        self.device_hint.setStyleSheet("color: #666; font-size: 12px;")

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(10)
        self.name_label, self.role_label, self.device_label = QLabel(self), QLabel(self), QLabel(self)
        self.form.addRow(self.name_label, self.name_edit)
        self.form.addRow(self.role_label, roles_box)
        device_box = QVBoxLayout()
        device_box.setSpacing(3)
        device_box.addWidget(self.device_edit)
        device_box.addWidget(self.device_hint)
        self.form.addRow(self.device_label, device_box)

        # first launch: join the study's project right here (the project file is read when chosen)
        self.project_button = QPushButton(self)
        self.project_hint = QLabel(self)
        self.project_hint.setWordWrap(True)
        self.project_hint.setStyleSheet("color: #666; font-size: 12px;")
        project_row = QHBoxLayout()
        project_row.addWidget(self.project_button, 0, Qt.AlignmentFlag.AlignTop)
        project_row.addWidget(self.project_hint, 1)
        self.project_button.clicked.connect(self.join_project)
        self.project_button.setVisible(self.first_run)
        self.project_hint.setVisible(self.first_run)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(16)
        layout.addLayout(top)
        layout.addLayout(self.form)
        layout.addLayout(project_row)
        layout.addWidget(self.buttons)

        self.name_edit.textChanged.connect(self._update_ok)
        self.name_edit.setFocus()
        tr.on_change(self.retranslate)
        self.retranslate()
        self._update_ok()

    @property
    def role(self) -> str:
        return next(role for role, button in self.role_buttons.items() if button.isChecked())

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("firstrun.title" if self.first_run else "firstrun.title_change"))
        self.intro.setText(tr("firstrun.intro" if self.first_run else "firstrun.intro_change"))
        self.language_button.setText(tr("firstrun.other_language"))
        self.name_label.setText(tr("firstrun.name"))
        self.name_edit.setPlaceholderText(tr("firstrun.name_placeholder"))
        self.role_label.setText(tr("firstrun.role"))
        for role, button in self.role_buttons.items():
            button.setText(f"{tr(f'firstrun.role.{role}')}  —  {tr(f'firstrun.role_hint.{role}')}")
        self.device_label.setText(tr("firstrun.device"))
        self.device_hint.setText(tr("firstrun.device_hint"))
        self.project_button.setText(tr("firstrun.project"))
        self._project_hint()
        self.ok_button.setText(tr("firstrun.start" if self.first_run else "firstrun.ok"))
        self.cancel_button.setText(tr("firstrun.cancel"))

    def _project_hint(self) -> None:
        joined = membership.project(self.store)
        if joined is None:
            self.project_hint.setText(self.tr("firstrun.project_hint"))
        else:
            self.project_hint.setText(self.tr("firstrun.project_joined", name=joined.name))
        self.project_button.setEnabled(joined is None)

    def join_project(self) -> bool:
        """Open the researcher's project file, compare its fingerprint, join."""
        joined = join_from_file(self, self.store, self.tr)
        self._project_hint()
        return joined

    def _switch_language(self) -> None:
        lang = "en" if self.tr.lang == "zh" else "zh"
        self.tr.set_language(lang)
        self.store.set_setting("ui_language", lang)  # as the main window's language menu does
        preferences.remember_language(lang)  # for the passphrase dialog of an encrypted database

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.name_edit.text().strip()))

    def reject(self) -> None:
        """Esc or Cancel on first launch quits the app: ask first, and keep the dialog if not meant."""
        if self.first_run and not self.confirm_quit():
            return
        super().reject()

    def confirm_quit(self) -> bool:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("firstrun.leave.title"), self.tr("firstrun.leave.text"), parent=self
        )
        quit_button = box.addButton(self.tr("firstrun.leave.quit"), QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton(self.tr("firstrun.leave.stay"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)  # a second Esc keeps the dialog too
        box.exec()
        return box.clickedButton() is quit_button

    def accept(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            return
        device = self.device_edit.text().strip() or QSysInfo.machineHostName()
        self.store.set_setting("user_name", name)
        self.store.set_setting("user_role", self.role)
        self.store.set_setting("device_label", device)
        self.store.user = name  # what start_interview, save_answer and the audit log record from now on
        super().accept()


def ask_identity(parent: QWidget | None, store: Store, tr: Translator) -> bool:
    """Ask (or change) who is using the app; False if the user cancelled and nothing was saved."""
    dialog = IdentityDialog(store, tr, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
