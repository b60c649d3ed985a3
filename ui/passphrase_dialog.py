"""Passphrases of encrypted databases: asked for before an encrypted database opens, and chosen when
File → Encrypt this database… (or Change passphrase…) is used.

A wrong passphrase is said in the dialog, which stays open to try again, as often as needed: nothing
counts the tries. The keychain (core/keychain.py) is offered when the computer has one; a passphrase
kept there is tried first, and forgotten if it no longer opens the file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from yingzao.core import errors, keychain
from yingzao.core.store.database import Store
from yingzao.core.store.encryption import MIN_PASSPHRASE
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "unlock.title": ("输入数据库口令", "Enter the database passphrase"),
        "unlock.passphrase": ("口令", "Passphrase"),
        "unlock.remember": ("在这台电脑上记住口令（系统钥匙串）", "Remember on this computer (keychain)"),
        "unlock.no_keychain": (
            "这台电脑没有可用的系统钥匙串：每次启动都需要输入口令。",
            "This computer has no keychain available: the passphrase is asked for at every start.",
        ),
        "unlock.wrong": (
            "口令不正确（或者这个文件不是营造的数据库）。请再试一次：尝试次数没有限制。",
            "The passphrase is wrong (or the file is not a Yingzao database). Try again: there is no limit on tries.",
        ),
        "unlock.open": ("打开", "Open"),
        "unlock.quit": ("退出", "Quit"),
        "unlock.cancel": ("取消", "Cancel"),
        "encrypt.title": ("加密此数据库", "Encrypt this database"),
        "encrypt.title_change": ("更改口令", "Change passphrase"),
        "encrypt.intro": (
            "加密后，没有口令的人无法读取这台电脑上的任何访谈（草稿也一样），即使电脑或硬盘丢失。"
            "导出、数据包和合并照常工作。",
            "Once encrypted, nobody without the passphrase can read any interview on this computer (drafts "
            "included), even if the laptop or its disk is lost. Exports, packages and merges work as before.",
        ),
        "encrypt.intro_change": (
            "数据库将用新口令重新加密；旧口令从此无效。",
            "The database is encrypted again with the new passphrase; the old one no longer opens it.",
        ),
        "encrypt.warning": (
            "请务必记住口令：忘记的口令无法找回，没有任何人（包括研究团队）能再打开这个数据库。",
            "Remember the passphrase: a forgotten passphrase cannot be recovered, and nobody (the research team "
            "included) can open this database again without it.",
        ),
        "encrypt.current": ("当前口令", "Current passphrase"),
        "encrypt.new": ("新口令", "New passphrase"),
        "encrypt.confirm": ("再输入一次", "Once more"),
        "encrypt.hint": (
            "至少 {least} 个字符；一句好记的长句（用拼音或英文字母输入：口令框不接受输入法）比复杂的短词更安全。",
            "At least {least} characters; a long sentence you remember (typed in pinyin or English letters: a "
            "passphrase box takes no input method) is safer than a short complicated word.",
        ),
        "encrypt.too_short": ("还差 {missing} 个字符。", "{missing} more characters needed."),
        "encrypt.differ": ("两次输入的口令不一致。", "The two passphrases differ."),
        "encrypt.strong_enough": ("长度足够。", "Long enough."),
        "encrypt.ok": ("加密", "Encrypt"),
        "encrypt.ok_change": ("更改口令", "Change passphrase"),
        "encrypt.cancel": ("取消", "Cancel"),
        "encrypt.done_title": ("数据库已加密", "The database is encrypted"),
        "encrypt.done": (
            "{path}\n已加密并核对：{tables} 个表、{rows} 行与原来完全一致。未加密的文件已删除。\n\n"
            "以后每次打开都需要口令。请记住它：忘记的口令无法找回。",
            "{path}\nis encrypted and verified: {tables} tables, {rows} rows, exactly as before. The plain file "
            "was removed.\n\nThe passphrase is needed every time it is opened. Remember it: a forgotten passphrase "
            "cannot be recovered.",
        ),
        "encrypt.changed_title": ("口令已更改", "The passphrase is changed"),
        "encrypt.changed": (
            "{path}\n已用新口令重新加密并核对：{tables} 个表、{rows} 行。",
            "{path}\nis encrypted with the new passphrase and verified: {tables} tables, {rows} rows.",
        ),
    }
)


class UnlockDialog(QDialog):
    """Asks for the passphrase of an encrypted database; `explanation` says why it is asked."""

    def __init__(self, parent: QWidget | None, tr: Translator, explanation: str, *, quitting: bool) -> None:
        super().__init__(parent)
        self.tr = tr
        self.setWindowTitle(tr("unlock.title"))
        self.setMinimumWidth(560)
        column = QVBoxLayout(self)
        self.explanation = QLabel(explanation, self)
        self.explanation.setWordWrap(True)
        column.addWidget(self.explanation)
        form = QFormLayout()
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("unlock.passphrase"), self.passphrase_edit)
        column.addLayout(form)
        self.remember_box = QCheckBox(tr("unlock.remember"), self)
        column.addWidget(self.remember_box)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        column.addWidget(self.problem)
        if not keychain.available():
            self.remember_box.setEnabled(False)
            self.remember_box.setToolTip(tr("unlock.no_keychain"))
        buttons = QDialogButtonBox(self)
        self.open_button = buttons.addButton(tr("unlock.open"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(
            tr("unlock.quit" if quitting else "unlock.cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        self.open_button.setDefault(True)
        self.passphrase_edit.setFocus()
        self.adjustSize()  # the wrapped explanation's height, known only once the width is

    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def say_wrong(self) -> None:
        """The passphrase did not open the file: say so, and let it be typed again."""
        self.problem.setText(self.tr("unlock.wrong"))
        self.problem.show()
        self.adjustSize()
        self.passphrase_edit.selectAll()
        self.passphrase_edit.setFocus()


def unlock_store(
    parent: QWidget | None, path: Path, tr: Translator, explanation: str, open_with, *, quitting: bool
) -> Store | None:
    """The encrypted database at `path`, opened by `open_with(passphrase)` (which asks about a
    database in use); None when the user gave up. The keychain's passphrase is tried first."""
    kept = keychain.remembered(path)
    if kept is not None:
        try:
            return open_with(kept)
        except errors.StoreError as error:
            if error.code != "database_passphrase_wrong":
                raise
            keychain.forget(path)  # it no longer opens the file (changed elsewhere): ask instead
    dialog = UnlockDialog(parent, tr, explanation, quitting=quitting)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        passphrase = dialog.passphrase()
        try:
            store = open_with(passphrase)
        except errors.StoreError as error:
            if error.code != "database_passphrase_wrong":
                raise
            dialog.say_wrong()
            continue
        if store is not None and dialog.remember_box.isChecked():
            try:
                keychain.remember(path, passphrase)
            except errors.StoreError as error:  # no keychain after all: the database is open anyway
                error_dialog.show_error(parent, tr, error)
        return store
    return None


class EncryptDialog(QDialog):
    """Chooses the passphrase for File → Encrypt this database… (or the new one, with the current one,
    for Change passphrase…): typed twice, at least MIN_PASSPHRASE characters, with the warning that a
    forgotten passphrase cannot be recovered."""

    def __init__(self, parent: QWidget | None, tr: Translator, *, change: bool) -> None:
        super().__init__(parent)
        self.tr, self.change = tr, change
        self.setWindowTitle(tr("encrypt.title_change" if change else "encrypt.title"))
        self.setMinimumWidth(520)
        column = QVBoxLayout(self)
        intro = QLabel(tr("encrypt.intro_change" if change else "encrypt.intro"), self)
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.warning = QLabel(tr("encrypt.warning"), self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a4b00; font-weight: 600;")
        column.addWidget(self.warning)
        form = QFormLayout()
        self.current_edit = QLineEdit(self)
        self.current_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if change:
            form.addRow(tr("encrypt.current"), self.current_edit)
        else:
            self.current_edit.hide()
        self.new_edit = QLineEdit(self)
        self.new_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("encrypt.new"), self.new_edit)
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("encrypt.confirm"), self.confirm_edit)
        column.addLayout(form)
        self.hint = QLabel(tr("encrypt.hint", least=MIN_PASSPHRASE), self)
        self.hint.setWordWrap(True)
        column.addWidget(self.hint)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        self.remember_box = QCheckBox(tr("unlock.remember"), self)
        column.addWidget(self.remember_box)
        if not keychain.available():
            self.remember_box.setEnabled(False)
            self.remember_box.setToolTip(tr("unlock.no_keychain"))
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(
            tr("encrypt.ok_change" if change else "encrypt.ok"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(tr("encrypt.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        for edit in (self.current_edit, self.new_edit, self.confirm_edit):
            edit.textChanged.connect(self._check)
        self._check()
        (self.current_edit if change else self.new_edit).setFocus()
        self.adjustSize()

    def _check(self) -> None:
        new, confirm = self.new_edit.text(), self.confirm_edit.text()
        missing = MIN_PASSPHRASE - len(new)
        if missing > 0:
            said = self.tr("encrypt.too_short", missing=missing) if new else ""
        elif confirm and confirm != new:
            said = self.tr("encrypt.differ")
        else:
            said = self.tr("encrypt.strong_enough")
        self.status.setText(said)
        ready = missing <= 0 and confirm == new and (not self.change or bool(self.current_edit.text()))
        self.ok_button.setEnabled(ready)

    def current(self) -> str | None:
        return self.current_edit.text() if self.change else None

    def passphrase(self) -> str:
        return self.new_edit.text()
