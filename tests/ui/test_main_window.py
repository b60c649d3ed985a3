"""The app opens on a real database with the study's protocols, in Chinese, switchable to English."""
from __future__ import annotations

from core.library import load_library
from core.store import Store
from ui.i18n import Translator
from ui.main_window import MainWindow


def test_main_window_lists_the_protocols_and_switches_language(qtbot, tmp_path):
    store = Store(tmp_path / "app.db", user="王芳")
    library = load_library(store)
    tr = Translator("zh")
    window = MainWindow(store, library, tr)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle().startswith("营造")
    rows = [window.protocol_list.item(i).text() for i in range(window.protocol_list.count())]
    assert any(row.startswith("官员访谈提纲") for row in rows), rows
    assert any(row.startswith("社区概况") for row in rows), rows
    assert "共 0 份访谈" in window.counts.text()

    window.set_language("en")
    rows = [window.protocol_list.item(i).text() for i in range(window.protocol_list.count())]
    assert any(row.startswith("Community profile") for row in rows), rows
    assert window.windowTitle().startswith("Yingzao")
    assert store.get_setting("ui_language") == "en"
    store.close()


def test_every_interface_string_exists_in_both_languages():
    from ui.i18n import _STRINGS

    for key, (zh, en) in _STRINGS.items():
        assert zh.strip() and en.strip(), key


def test_run_reports_a_foreign_file_instead_of_crashing(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append((self.text(), self.informativeText())) or 0)
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    assert app.run(junk) == 1
    assert "is not a Yingzao database" in shown[0][0]
    assert "Choose the .db file" in shown[0][1]
