"""The home window: which database is open, which protocols are loaded, what has been collected."""
from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QVBoxLayout, QWidget

from core.library import Library
from core.store import Store
from ui.i18n import LANGUAGES, Translator


class MainWindow(QMainWindow):
    def __init__(self, store: Store, library: Library, tr: Translator) -> None:
        super().__init__()
        self.store, self.library, self.tr = store, library, tr
        self.resize(960, 640)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        self.protocols_heading = QLabel(central)
        self.protocols_heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.protocol_list = QListWidget(central)
        self.counts = QLabel(central)
        self.problems = QLabel(central)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #a33;")
        self.next_note = QLabel(central)
        self.next_note.setStyleSheet("color: #666;")
        for widget in (self.protocols_heading, self.protocol_list, self.counts, self.problems, self.next_note):
            layout.addWidget(widget)
        self.setCentralWidget(central)
        self._build_menu()
        tr.on_change(self.retranslate)
        self.retranslate()

    def _build_menu(self) -> None:
        self.language_menu = self.menuBar().addMenu("")
        group = QActionGroup(self)
        for lang, label in zip(LANGUAGES, ("中文", "English")):
            action = QAction(label, self, checkable=True)
            action.setChecked(lang == self.tr.lang)
            action.triggered.connect(lambda _checked=False, lang=lang: self.set_language(lang))
            group.addAction(action)
            self.language_menu.addAction(action)

    def set_language(self, lang: str) -> None:
        self.tr.set_language(lang)
        self.store.set_setting("ui_language", lang)

    def retranslate(self) -> None:
        tr, lang = self.tr, self.tr.lang
        self.setWindowTitle(tr("app.title"))
        self.language_menu.setTitle(tr("menu.language"))
        self.protocols_heading.setText(tr("home.protocols"))
        self.protocol_list.clear()
        for protocol in self.library.protocols:
            self.protocol_list.addItem(tr(
                "home.protocol_row", title=protocol.title(lang), version=protocol.version,
                sections=len(protocol.sections), questions=len(protocol.answerable),
            ))
        self.counts.setText(tr("home.database", path=self.store.path) + "\n" + tr(
            "home.counts", interviews=self.store.count_interviews(), communities=len(self.store.communities())))
        if self.library.problems:
            lines = [tr("home.form_problems", count=len(self.library.problems))]
            lines += [str(p) for error in self.library.problems for p in error.problems[:5]]
            self.problems.setText("\n".join(lines))
        self.problems.setVisible(bool(self.library.problems))
        self.next_note.setText(tr("home.next"))
