"""What the project screens share: saving and opening the files handed between computers
(`.yzproject`, `.yzkeys`, `.yzkey`), and showing a project with its fingerprints to compare aloud."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QFormLayout, QLabel, QWidget

from yingzao.core import errors
from yingzao.core.security.project import Project
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

PROJECT_SUFFIX, KEYS_SUFFIX, KEY_CARD_SUFFIX = ".yzproject", ".yzkeys", ".yzkey"
_FINGERPRINT_STYLE = "font-family: monospace; font-size: 15px; font-weight: 600; letter-spacing: 1px;"
WARNING_STYLE = "color: #8c1d18;"
GREY_STYLE = "color: #555;"

add_strings(
    {
        "proj.filter.project": ("营造项目文件 (*.yzproject)", "Yingzao project file (*.yzproject)"),
        "proj.filter.keys": ("营造项目密钥 (*.yzkeys)", "Yingzao project keys (*.yzkeys)"),
        "proj.filter.card": ("营造公钥卡片 (*.yzkey)", "Yingzao key card (*.yzkey)"),
        "proj.close": ("关闭", "Close"),
        "proj.cancel": ("取消", "Cancel"),
        "proj.saved": ("已保存：{path}", "Saved: {path}"),
        "proj.join.name": ("项目名称", "Project"),
        "proj.join.fingerprint": ("项目指纹", "Project fingerprint"),
        "proj.join.revision": ("版本", "Revision"),
        "proj.join.supervisors": ("督导", "Supervisors"),
        "proj.join.encrypt_yes": ("要求加密数据库", "databases must be encrypted"),
        "proj.join.encrypt_no": ("不要求加密数据库", "databases need not be encrypted"),
        "proj.details.supervisor_line": ("{name}　{fingerprint}", "{name}   {fingerprint}"),
    }
)


def save_bytes(parent: QWidget, tr: Translator, title: str, suggested: str, filter_key: str, data: bytes):
    """Ask where to save `data` and write it; the path written, or None (cancelled, or not saved)."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), tr(filter_key))
    if not chosen:
        return None
    path = Path(chosen)
    suffix = Path(suggested).suffix
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    try:
        path.write_bytes(data)
    except OSError as error:
        error_dialog.show_error(parent, tr, errors.project_file_not_saved(path, error))
        return None
    return path


def open_bytes(parent: QWidget, tr: Translator, title: str, filter_key: str) -> tuple[Path, bytes] | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), tr(filter_key))
    if not chosen:
        return None
    path = Path(chosen)
    try:
        return path, path.read_bytes()
    except OSError as error:
        error_dialog.show_error(parent, tr, errors.project_file_unreadable(path, error))
        return None


def safe_name(name: str, fallback: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in "-_ ").strip() or fallback


def fingerprint_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet(_FINGERPRINT_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def wrapped(text: str, parent: QWidget, style: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


def project_rows(form: QFormLayout, project: Project, tr: Translator, parent: QWidget, revision: str = ""):
    """The rows both the join check and the details show; returns the (fingerprint, supervisors) labels."""
    form.addRow(tr("proj.join.name"), wrapped(project.name, parent, "font-weight: 600;"))
    fingerprint = fingerprint_label(project.fingerprint, parent)
    form.addRow(tr("proj.join.fingerprint"), fingerprint)
    form.addRow(tr("proj.join.revision"), QLabel(revision or str(project.revision), parent))
    supervisors = wrapped(
        "\n".join(
            tr("proj.details.supervisor_line", name=s.name, fingerprint=s.keys.fingerprint) for s in project.supervisors
        ),
        parent,
    )
    form.addRow(tr("proj.join.supervisors"), supervisors)
    encrypt = "proj.join.encrypt_yes" if project.encrypt_databases else "proj.join.encrypt_no"
    form.addRow("", wrapped(tr(encrypt), parent, GREY_STYLE))
    return fingerprint, supervisors
