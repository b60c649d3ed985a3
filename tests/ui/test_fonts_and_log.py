"""Without a Chinese font the app says which to install, in both languages; Help opens the log folder."""

from __future__ import annotations

from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QWidget

from yingzao.core import logs
from yingzao.ui import app as app_module
from yingzao.ui import fonts
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow


def test_a_system_without_a_chinese_font_is_told_what_to_install(qtbot, monkeypatch):
    monkeypatch.setattr(fonts, "chinese_families", list)
    assert fonts.ensure_cjk(QApplication.instance()) is None
    parent = QWidget()
    qtbot.addWidget(parent)
    box = app_module.fonts_missing_notice(parent)
    assert "Install Noto Sans CJK SC" in box.text() and "请安装 Noto Sans CJK SC" in box.text()
    assert box.isVisible()  # shown with open(): the call returned without waiting for the user
    box.close()


def test_a_chinese_font_is_preferred_where_the_system_has_one(qtbot, monkeypatch):
    app = QApplication.instance()
    before = app.font()
    monkeypatch.setattr(fonts, "chinese_families", lambda: ["Some Font", "Noto Sans CJK SC"])
    try:
        assert fonts.ensure_cjk(app) == "Noto Sans CJK SC"
        assert "Noto Sans CJK SC" in app.font().families()
    finally:
        app.setFont(before)


def test_help_opens_the_log_folder(qtbot, library_store, monkeypatch):
    store, library = library_store
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    assert window.log_folder_action.text() == "打开日志文件夹"
    window.log_folder_action.trigger()
    assert opened == [str(logs.folder())] and logs.folder().is_dir()
