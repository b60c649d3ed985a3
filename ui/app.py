"""Start the desktop app: show the main window's shell, then open the store, load the study's
protocols, ask who is working on first launch, fill the window, and offer to resume an interview a
crash interrupted.

The shell is on screen before the database is opened: what opening needs (SQLite, the store, the
protocols, the home list and its models) is imported after the first paint, so the window appears
about as soon as an empty Qt window would."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from yingzao.core import errors, logs, paths
from yingzao.core.errors import YingzaoError
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings, text
from yingzao.ui.main_window import OPEN_INTERVIEW, MainWindow

if TYPE_CHECKING:
    from yingzao.core.forms.library import Library
    from yingzao.core.store.database import Store

add_strings(
    {
        "fonts.missing_title": ("缺少中文字体", "No Chinese font"),
        "fonts.missing": (
            "这台电脑上没有中文字体，中文可能显示为方框。请安装 {font}，然后重新启动营造。",
            "This computer has no Chinese font, so Chinese may show as boxes. Install {font}, then start "
            "Yingzao again.",
        ),
    }
)


class QtStrings:
    """Qt's own dialogs (file chooser, standard buttons, calendars) follow the interface language:
    Qt's translations for it are loaded, and dates are written the way that language writes them
    (without a locale Qt falls back to "C", which shows dates as "3 12 2026")."""

    # by name, not QLocale.Language/Country members: the first use of those enums costs PySide6
    # milliseconds of start-up creating them (hundreds of languages and countries)
    LOCALES: ClassVar[dict[str, str]] = {"zh": "zh_CN", "en": "en_GB"}

    def __init__(self, app: QApplication, tr: Translator) -> None:
        self.app, self.tr, self.translator = app, tr, QTranslator(app)
        self.loaded = False
        tr.on_change(self.apply)
        self.apply()

    def apply(self) -> None:
        self.app.removeTranslator(self.translator)
        locale = QLocale(self.LOCALES.get(self.tr.lang, self.LOCALES["zh"]))
        QLocale.setDefault(locale)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        # English needs no catalogue: Qt's own text is English
        self.loaded = self.tr.lang != "en" and self.translator.load(locale, "qtbase", "_", folder)
        if self.loaded:
            self.app.installTranslator(self.translator)

    def remove(self) -> None:
        self.app.removeTranslator(self.translator)
        QLocale.setDefault(QLocale.c())


def run(db_path: Path | None = None, *, lang: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Yingzao")
    logs.hold()  # the log file is set up once the window is on screen (or the app ends before it)
    try:
        return _start(app, db_path, lang)
    finally:
        logs.setup()


def _start(app: QApplication, db_path: Path | None, lang: str | None) -> int:
    path = db_path or paths.default_database()
    tr = Translator(lang or _stored_language(path))
    logs.install_hooks(
        lambda error: error_dialog.show_error(QApplication.activeWindow(), tr, errors.unexpected(error, logs.folder()))
    )
    window = MainWindow(None, None, tr)  # the shell: its database comes once it is on screen
    ended: list[int] = []  # the exit status when the app ends before the window has its database
    opened: list[Store] = []
    qt_strings: list[QtStrings] = []  # kept alive for the app's lifetime

    def open_database() -> None:
        # Before any dialog and before the pages are built, but not before the shell's first paint
        # (its menu titles are drawn with the system's own fallback for that moment): the font list
        # and Qt's translations cost milliseconds.
        from yingzao.ui import fonts

        chinese_font = fonts.ensure_cjk(app)  # it decides how Chinese is drawn from now on
        qt_strings.append(QtStrings(app, tr))
        result = _open_database(path, lang, tr)
        if isinstance(result, int):
            ended.append(result)
            app.exit(result)  # not close(): the last window closed would queue a quit for whoever runs next
            return
        store, library = result
        opened.append(store)
        window.attach(store, library)
        _after_attach(window, store, tr, chinese_font)

    window.first_painted.connect(open_database)
    window.show()
    code = app.exec()
    window.hide()
    if window.store is not None:
        window.store.close()  # the database open when the app ended (File → Open database… may have changed it)
    for store in opened:
        store.close()
    return ended[0] if ended else code


def _stored_language(path: Path) -> str:
    """The language chosen last time, read before the window is drawn so that it is drawn in it:
    this computer's (a small file, read without loading SQLite's library before the first paint),
    else the database's. The database's own choice is applied once it is open (`_open_database`)."""
    from yingzao.core import preferences

    chosen = preferences.language()
    if chosen is not None:
        return chosen
    from yingzao.core.store.settings import stored_setting

    return stored_setting(path, "ui_language") or "zh"


def _open_database(path: Path, lang: str | None, tr: Translator) -> tuple[Store, Library] | int:
    """The store with its protocols loaded and its user known; or the exit status
    when the app must end: 0 when the user chose to (another window has the database; no name
    given on first launch), 1 when the database cannot be used (after saying why)."""
    from yingzao.core.forms.library import load_library
    from yingzao.ui.open_database import open_store

    try:
        store = open_store(None, path, tr)  # asks when another window has it
        if store is None:
            return 0
        if lang is None:  # the database's choice, which this computer remembers from now on
            chosen = store.get_setting("ui_language") or tr.lang
            tr.set_language(chosen)
            _remember_language(chosen)
        library = load_library(store)
    except YingzaoError as error:
        error_dialog.show_error(None, tr, error)
        return 1
    if not store.get_setting("user_name") and not store.read_only:
        from yingzao.ui.first_run_dialog import ask_identity

        if not ask_identity(None, store, tr):
            store.close()
            return 0
    return store, library


def _remember_language(lang: str) -> None:
    from yingzao.core import preferences

    if preferences.language() != lang:
        preferences.remember_language(lang)


def _after_attach(window: MainWindow, store: Store, tr: Translator, chinese_font: str | None) -> None:
    from yingzao.ui.resume import offer_resume

    logs.setup()
    logs.log.info("start")
    if chinese_font is None:
        window.font_notice = fonts_missing_notice(window)
    if not store.read_only:
        offer_resume(window, store, tr, store.get_setting(OPEN_INTERVIEW) or "")


def fonts_missing_notice(window):
    """Said in both languages at once: without a Chinese font the Chinese half shows as boxes."""
    from PySide6.QtWidgets import QMessageBox

    from yingzao.ui import fonts

    zh, en = (text("fonts.missing", lang).format(font=fonts.TO_INSTALL) for lang in ("zh", "en"))
    box = QMessageBox(QMessageBox.Icon.Warning, text("fonts.missing_title", "en"), f"{en}\n\n{zh}", parent=window)
    box.open()  # not modal: the app stays usable in English meanwhile
    return box
