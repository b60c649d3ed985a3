"""Opening a database file for the app: for writing, or — when another Yingzao window holds it —
read-only if the user agrees, after saying who holds it and since when."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from yingzao.core import errors
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.interview_list_model import local_time

add_strings(
    {
        "db.in_use.title": ("数据库正在使用中", "The database is in use"),
        "db.in_use.text": (
            "{path}\n正在被另一个营造窗口使用：{who}。",
            "{path}\nis in use by another Yingzao window: {who}.",
        ),
        "db.in_use.user": ("{user}", "{user}"),
        "db.in_use.host": ("电脑 {host}", "computer {host}"),
        "db.in_use.pid": ("进程 {pid}", "process {pid}"),
        "db.in_use.since": ("自 {since} 起", "since {since}"),
        "db.in_use.unknown": ("未知的用户", "an unknown user"),
        "db.in_use.join": ("，", ", "),
        "db.in_use.info": (
            "可以以只读方式打开：所有访谈、审核和进度都可以查看，但不能修改。",
            "You can open it read-only: every interview, review and the progress can be looked at, but "
            "nothing can be changed.",
        ),
        "db.in_use.read_only": ("以只读方式打开", "Open read-only"),
        "db.in_use.quit": ("退出", "Quit"),
        "db.in_use.cancel": ("取消", "Cancel"),
    }
)


def in_use_text(tr: Translator, busy: errors.DatabaseInUse) -> str:
    """Who holds the database and since when, in this computer's time (not a raw UTC timestamp)."""
    holder = busy.holder
    parts = []
    for key, value in (
        ("user", getattr(holder, "user", "")),
        ("host", getattr(holder, "host", "")),
        ("pid", getattr(holder, "pid", 0)),
        ("since", local_time(getattr(holder, "since", ""))),
    ):
        if value:
            parts.append(tr(f"db.in_use.{key}", **{key: value}))
    who = tr("db.in_use.join").join(parts) or tr("db.in_use.unknown")
    return tr("db.in_use.text", path=busy.path, who=who)


def ask_read_only(parent: QWidget | None, tr: Translator, busy: errors.DatabaseInUse, *, quitting: bool) -> bool:
    """Say who holds the database; True when the user chose to open it read-only."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("db.in_use.title"), in_use_text(tr, busy), parent=parent)
    box.setInformativeText(tr("db.in_use.info"))
    read_only = box.addButton(tr("db.in_use.read_only"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("db.in_use.quit" if quitting else "db.in_use.cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(read_only)
    box.exec()
    return box.clickedButton() is read_only


def open_store(parent: QWidget | None, path: Path | str, tr: Translator, *, quitting: bool = True) -> Store | None:
    """The database at `path` for this window; None when it is in use elsewhere and the user did not
    want it read-only, or when it is encrypted and the user gave no passphrase. Other problems (not
    a database, damaged, newer) raise as YingzaoError."""
    path = Path(path)

    def open_with(passphrase: str | None) -> Store | None:
        try:
            return Store(path, passphrase=passphrase)
        except errors.DatabaseInUse as busy:
            if not ask_read_only(parent, tr, busy, quitting=quitting):
                return None
            return Store(path, read_only=True, passphrase=passphrase)

    try:
        return open_with(None)
    except errors.StoreError as error:
        if error.code != "database_needs_passphrase":
            raise
        # only for an encrypted file: the dialog brings in the keychain, whose import costs start-up time
        from yingzao.ui.passphrase_dialog import unlock_store

        return unlock_store(parent, path, tr, error.message, open_with, quitting=quitting)
