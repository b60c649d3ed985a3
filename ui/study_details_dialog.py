"""File → Study details…: what a consent statement names (institution, PI, ethics approval number,
contacts, retention), filled in once by a researcher and read out by every fieldworker."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.forms import study
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "study.title": ("研究信息", "Study details"),
        "study.intro": (
            "知情同意书和个人信息告知会读出这些信息。请由研究者填写一次；未填写的项在访谈界面上显示为“（未填写）”。",
            "The consent statement and the personal-information notice read these out. A researcher fills them "
            'in once; any left empty shows as "(not filled in)" on the interview screen.',
        ),
        "study.placeholder": ("（未填写）", "(not filled in)"),
    }
)


class StudyDetailsDialog(QDialog):
    def __init__(self, store: Store, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tr = store, tr
        self.setWindowTitle(tr("study.title"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("study.intro"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        details = study.study_details(store)
        self.fields: dict[str, QLineEdit] = {}
        for name, label in study.FIELDS.items():
            edit = QLineEdit(details[name], self)
            edit.setPlaceholderText(tr("study.placeholder"))
            edit.setReadOnly(store.read_only)
            self.fields[name] = edit
            form.addRow(label.en if tr.lang == "en" else label.zh, edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Close
            if store.read_only
            else QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)

    def save(self) -> None:
        study.save_study_details(self.store, {name: edit.text() for name, edit in self.fields.items()})
        self.accept()
