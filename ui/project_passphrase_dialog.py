"""Asking for the project passphrase: one dialog that stays open after a wrong try and says so, so
that a mistyped passphrase costs one more try and nothing else (nothing is locked away)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from yingzao.core.errors import YingzaoError
from yingzao.core.security import membership
from yingzao.core.security.keys import KeyPair
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

WRONG_PASSPHRASE = "wrong_project_passphrase"  # the error code that asks again instead of giving up

add_strings(
    {
        "pass.title": ("项目口令", "Project passphrase"),
        "pass.label": ("项目口令：", "Project passphrase:"),
        "pass.ok": ("确定", "OK"),
        "pass.cancel": ("取消", "Cancel"),
        "pass.unlock": (
            "要打开加密的数据包，需要项目密钥。请输入建立项目时设定的项目口令（本次运行期间只需输入一次）。",
            "Encrypted packages open only with the project's keys. Enter the project passphrase chosen when "
            "the project was made (once per run of the app).",
        ),
    }
)


class PassphraseDialog(QDialog):
    """Ask a passphrase and hand it to `check`; a wrong one is said under the field and asked again.
    `value` holds what `check` returned once it accepted the passphrase."""

    def __init__(
        self, tr: Translator, intro: str, check: Callable[[str], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tr, self._check = tr, check
        self.value: object = None
        self.setWindowTitle(tr("pass.title"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        layout.addWidget(QLabel(tr("pass.label"), self))
        self.field = QLineEdit(self)
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.field)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("pass.ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("pass.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.field.setFocus()

    def accept(self) -> None:
        passphrase = self.field.text()
        if not passphrase:
            return
        try:
            self.value = self._check(passphrase)
        except YingzaoError as error:
            if error.code != WRONG_PASSPHRASE:
                error_dialog.show_error(self, self.tr, error)
                self.reject()
                return
            self.error.setText(f"{error.message}\n{error.hint}")
            self.error.show()
            self.field.clear()
            self.field.setFocus()
            return
        super().accept()


def ask_with_passphrase(parent: QWidget | None, tr: Translator, intro: str, check: Callable[[str], object]):
    """What `check(passphrase)` returned, or None when the user cancelled (or another error was shown)."""
    dialog = PassphraseDialog(tr, intro, check, parent)
    try:
        return dialog.value if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def unlock_project(parent: QWidget | None, store, tr: Translator, intro: str | None = None) -> KeyPair | None:
    """The project's keys, asking the passphrase unless they were opened already in this run."""
    keys = membership.unlocked(store)
    if keys is not None:
        return keys
    return ask_with_passphrase(parent, tr, intro or tr("pass.unlock"), lambda text: membership.unlock(store, text))
