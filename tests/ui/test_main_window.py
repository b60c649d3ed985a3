"""The main window: home list and interview screen in turn, menus, language, errors."""

from __future__ import annotations

import importlib
import pkgutil
import re

import yingzao.ui
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import OPEN_INTERVIEW, MainWindow


def test_main_window_opens_on_the_home_list_and_switches_language(qtbot, tmp_path):
    store = Store(tmp_path / "app.db", user="王芳")
    library = load_library(store)
    store.start_interview(library.by_role("cadre")[0].sha256)
    tr = Translator("zh")
    window = MainWindow(store, library, tr)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 1, timeout=2000)  # filled after the first paint
    assert window.windowTitle().startswith("营造")
    assert window.stack.currentWidget() is window.home
    assert window.file_menu.title() == "文件(&F)"
    window.set_language("en")
    assert window.windowTitle().startswith("Yingzao")
    assert window.file_menu.title() == "&File"
    assert window.home.new_button.text() != ""
    assert store.get_setting("ui_language") == "en"
    store.close()


def test_opening_an_interview_and_going_back(qtbot, library_store):
    store, library = library_store
    store.add_community("B", "B社区")
    interview = store.start_interview(library.by_role("street_staff")[0].sha256, community_id="B")
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    window.show()
    window.open_interview(interview)
    view = window.interview_view
    assert window.stack.currentWidget() is view
    assert "B社区" in view.title.text()
    assert store.get_setting(OPEN_INTERVIEW) == interview
    view.back_button.click()
    assert window.interview_view is None
    assert window.stack.currentWidget() is window.home
    assert store.get_setting(OPEN_INTERVIEW) == ""


def test_every_interface_string_exists_in_both_languages():
    # Screens register their strings when their module is imported: import every one, so the check
    # covers every key whichever tests ran (or did not run) before this one.
    for module in pkgutil.iter_modules(yingzao.ui.__path__):
        importlib.import_module(f"yingzao.ui.{module.name}")
    from yingzao.ui.i18n import _STRINGS

    assert len(_STRINGS) > 300  # the screens' own tables, not just the shared one in i18n.py
    for key, (zh, en) in _STRINGS.items():
        assert zh.strip() and en.strip(), key
        words = re.sub(r"\{[^}]*\}", "", zh + en)
        if any(character.isalpha() for character in words):  # '{name} · {role}' has nothing to translate
            assert zh != en, key


def test_a_deleted_widget_no_longer_follows_the_language(qtbot):
    from PySide6.QtWidgets import QLabel

    tr = Translator("zh")

    class Follower(QLabel):
        def retranslate(self):
            self.setText(tr.lang)

    follower = Follower()
    tr.on_change(follower.retranslate)
    tr.set_language("en")
    assert follower.text() == "en"
    follower.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(follower), timeout=1000)
    tr.set_language("zh")  # must not touch the deleted label


def test_run_reports_a_foreign_file_instead_of_crashing(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from yingzao.core.store import driver
    from yingzao.ui import app
    from yingzao.ui.passphrase_dialog import UnlockDialog

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append((self.text(), self.informativeText())) or 0)
    # with SQLCipher a file SQLite cannot read may be an encrypted database: the passphrase dialog
    # says it is that or no Yingzao database at all; Quit there ends the app
    monkeypatch.setattr(
        UnlockDialog, "exec", lambda self: shown.append((self.explanation.text(), "")) or self.cancel_button.click()
    )
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    qapp = QApplication.instance()
    font = qapp.font()
    try:
        assert app.run(junk) == (0 if driver.ENCRYPTION else 1)
    finally:
        qapp.setFont(font)  # run() gives the app its Chinese fallback font: the next tests measure text
    assert "不是营造的数据库" in shown[0][0]
    if not driver.ENCRYPTION:
        assert "请选择营造创建的 .db 文件" in shown[0][1]


def _shown_main_window():
    from PySide6.QtWidgets import QApplication

    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)


def test_run_draws_the_window_in_the_last_language_then_fills_it(qtbot, tmp_path):
    """The window is on screen before the database is opened; it is drawn in the language chosen last
    time, then gets its database and its list."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from yingzao.ui import app

    db = tmp_path / "field.db"
    with Store(db, user="王芳") as store:
        store.set_setting("user_name", "王芳")
        store.set_setting("ui_language", "en")
        store.start_interview(load_library(store).by_role("cadre")[0].sha256)
    seen: dict[str, object] = {}

    def watch() -> None:
        window = _shown_main_window()
        if window is not None:
            seen.setdefault("first_title", window.windowTitle())
            if window.store is not None and window.home.model.rowCount() == 1:
                seen["store"] = window.store
                window.close()
                return
        QTimer.singleShot(5, watch)

    QTimer.singleShot(0, watch)
    qapp = QApplication.instance()
    font = qapp.font()
    try:
        assert app.run(db) == 0
    finally:
        qapp.setFont(font)
    assert str(seen["first_title"]).startswith("Yingzao")
    assert not seen["store"].is_open  # closed when the app ended


def test_run_draws_in_this_computers_language_then_takes_the_databases(qtbot, tmp_path):
    """This computer's last choice draws the shell (no SQLite before the first paint); a database that
    chose otherwise (made on another laptop) turns the window to its language once it is open, and
    this computer remembers that for the next start."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from yingzao.core import preferences
    from yingzao.ui import app

    db = tmp_path / "from_another_laptop.db"
    with Store(db, user="王芳") as store:
        store.set_setting("user_name", "王芳")
        store.set_setting("ui_language", "en")
    preferences.remember_language("zh")
    seen: dict[str, object] = {}

    def watch() -> None:
        window = _shown_main_window()
        if window is not None:
            seen.setdefault("first_title", window.windowTitle())
            if window.store is not None:
                seen["language"] = window.tr.lang
                seen["title"] = window.windowTitle()
                window.close()
                return
        QTimer.singleShot(5, watch)

    QTimer.singleShot(0, watch)
    qapp = QApplication.instance()
    font = qapp.font()
    try:
        assert app.run(db) == 0
    finally:
        qapp.setFont(font)
    assert str(seen["first_title"]).startswith("营造")
    assert seen["language"] == "en" and str(seen["title"]).startswith("Yingzao")
    assert preferences.language() == "en"


def test_run_ends_when_the_user_gives_no_name_on_first_launch(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from yingzao.ui import app, first_run_dialog

    asked = []
    monkeypatch.setattr(first_run_dialog, "ask_identity", lambda *args: asked.append(args) or False)
    qapp = QApplication.instance()
    font = qapp.font()
    try:
        assert app.run(tmp_path / "new.db") == 0
    finally:
        qapp.setFont(font)
    assert len(asked) == 1
    assert _shown_main_window() is None
    with Store(tmp_path / "new.db") as store:  # closed, claim released; nothing saved about the user
        assert store.get_setting("user_name") is None
