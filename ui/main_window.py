"""The main window: the home list and the interview screen, one at a time, and the menus.

At start-up the window is shown as a shell first (menus, no database): the app opens the database,
and this module imports the home list, once the shell is on screen (see `attach`). So this module
imports only what the shell draws; every page and dialog is imported when first needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QStackedWidget, QVBoxLayout, QWidget

from yingzao.core import logs, preferences
from yingzao.core.errors import YingzaoError
from yingzao.ui import error_dialog
from yingzao.ui.i18n import LANGUAGES, Translator, add_strings

if TYPE_CHECKING:
    from yingzao.core.forms.library import Library
    from yingzao.core.store.database import Store
    from yingzao.ui.home_view import HomeView

OPEN_INTERVIEW = "open_interview"  # setting: the interview on screen; left behind only by a crash

add_strings(
    {
        "menu.file": ("文件(&F)", "&File"),
        "menu.new_interview": ("新建访谈…", "New interview…"),
        "menu.new_profile": ("新建社区概况…", "New community profile…"),
        "menu.add_form": ("添加访谈提纲（XLSForm）…", "Add protocol (XLSForm)…"),
        "menu.identity": ("我的身份…", "My identity…"),
        "menu.study_details": ("研究信息…", "Study details…"),
        "menu.open_database": ("打开数据库…", "Open database…"),
        "menu.backup": ("备份数据库…", "Back up database…"),  # also the backup dialog's title
        "menu.encrypt": ("加密此数据库…", "Encrypt this database…"),
        "menu.change_passphrase": ("更改口令…", "Change passphrase…"),
        "menu.log_folder": ("打开日志文件夹", "Open log folder"),
        "open_db.filter": ("营造数据库 (*.db);;所有文件 (*)", "Yingzao databases (*.db);;All files (*)"),
        "read_only.banner": (
            "只读：此数据库正在被另一个营造窗口使用，这里只能查看，不能修改。要修改，请在那个窗口里操作，或关闭它后重新打开。",
            "Read-only: another Yingzao window is using this database, so here you can look but not change "
            "anything. To make changes, work in that window, or close it and open the database again.",
        ),
        "menu.pack": ("导出数据包…", "Export session…"),
        "menu.merge": ("合并数据包…", "Merge sessions…"),
        "menu.devices": ("设备…", "Devices…"),
        "menu.project": ("项目(&P)", "&Project"),
        "menu.conflicts": ("解决合并冲突…", "Resolve conflicts…"),
        "menu.export": ("导出 Excel 分析表…", "Export Excel workbook…"),
        "menu.export_qdc": ("导出编码表（REFI-QDA）…", "Export codebook (REFI-QDA)…"),
        "menu.export_qdpx": ("导出项目（REFI-QDA）…", "Export project (REFI-QDA)…"),
        "menu.pseudonyms": ("代称表…", "Pseudonyms…"),
        "menu.anonymity_review": ("审核匿名化…", "Review anonymisation…"),
        "menu.import_codebook": ("导入编码表…", "Import codebook…"),
        "menu.data": ("数据(&D)", "&Data"),
        "menu.review": ("审核(&R)", "&Review"),
        "menu.review_queue": ("审核队列…", "Review queue…"),
        "menu.analysis": ("分析(&A)", "&Analysis"),
        "menu.code_interviews": ("编码访谈…", "Code interviews…"),
        "menu.matrix": ("矩阵…", "Matrix…"),
        "menu.compare_coders": ("比较编码者…", "Compare coders…"),
        "menu.memos": ("全部备忘…", "All memos…"),
        "menu.quit": ("退出", "Quit"),
        "menu.help": ("帮助(&H)", "&Help"),
        "menu.about": ("关于营造", "About Yingzao"),
        "about.text": (
            "营造：产业社区营造与精细化治理研究的离线访谈工具。\n数据库：{path}",
            "Yingzao: offline interviews for research on industrial-community building and fine governance.\nDatabase: {path}",
        ),
        "status.finalised": ("访谈已完成并保存。", "Interview finalised and saved."),
        "status.saved": ("已保存 {time}", "Saved {time}"),
    }
)


class MainWindow(QMainWindow):
    first_painted = Signal()  # once, when the window is on screen (and its list read, if it has a database)

    def __init__(self, store: Store | None, library: Library | None, tr: Translator) -> None:
        """Without a store the window is a shell, its database actions off, until `attach`."""
        super().__init__()
        self.store, self.library, self.tr = store, library, tr
        self.resize(1280, 800)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.read_only_banner = QLabel(central)
        self.read_only_banner.setWordWrap(True)
        column.addWidget(self.read_only_banner)
        self.stack = QStackedWidget(central)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        # the list of interviews is read just after the window first paints (see paintEvent): with
        # thousands of interviews the window appears sooner, and the rows follow a moment later
        self._home: HomeView | None = None
        if store is not None:  # a window given its database has its home page at once
            self._build_home()
        self._first_painted = False
        self.interview_view = None
        self.review_view = None
        self.coding_page = None
        self._last_saved: str | None = None
        self._build_menus()
        self._apply_read_only()
        tr.on_change(self.retranslate)
        self.retranslate()

    @property
    def home(self) -> HomeView:
        """The home page; in a shell it is an empty page until `attach` gives it the database."""
        return self._home if self._home is not None else self._build_home()

    def _build_home(self) -> HomeView:
        from yingzao.ui.home_view import HomeView

        self._home = HomeView(self.store, self.library, self.tr, self.stack, load=False)
        self._home.open_requested.connect(self.open_interview)
        self.stack.addWidget(self._home)
        return self._home

    def attach(self, store: Store, library: Library) -> None:
        """Give the shell its database: the home page is built and its list read."""
        self.store, self.library = store, library
        if self._home is None:
            self._build_home()  # built for the store it now has
        else:
            self._home.attach(store, library)  # the empty page the shell had shown
        self._apply_read_only()
        self._apply_role()
        self._load_list()

    # -- menus -------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_interview_action = QAction(self)  # Ctrl+N is the home page's own shortcut
        self.new_interview_action.triggered.connect(lambda: self._home_action(self.home.new_interview))
        self.new_profile_action = QAction(self)
        self.new_profile_action.triggered.connect(
            lambda: self._home_action(lambda: self.home.new_interview(profile=True))
        )
        self.identity_action = QAction(self)
        self.identity_action.triggered.connect(self.change_identity)
        self.open_database_action = QAction(self)
        self.open_database_action.triggered.connect(self.choose_database)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.close)
        self.add_form_action = QAction(self)
        self.add_form_action.triggered.connect(self.add_form)
        for action in (self.new_interview_action, self.new_profile_action, self.add_form_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.open_database_action)
        self.backup_action = QAction(self)
        self.backup_action.triggered.connect(self.back_up_database)
        self.file_menu.addAction(self.backup_action)
        self.encrypt_action = QAction(self)  # "Change passphrase…" once the database is encrypted
        self.encrypt_action.triggered.connect(self.encrypt_database)
        self.file_menu.addAction(self.encrypt_action)
        self.file_menu.addSeparator()
        # File → Project: its actions are made when it first opens (start-up loads no key code)
        self.project_menu = QMenu(self)
        self.project_menu.aboutToShow.connect(self._project_menu_opening)
        self._project_actions = None
        self.file_menu.addMenu(self.project_menu)
        self.file_menu.addAction(self.identity_action)
        self.study_details_action = QAction(self)
        self.study_details_action.triggered.connect(self.edit_study_details)
        self.file_menu.addAction(self.study_details_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.data_menu = bar.addMenu("")
        self.pack_action = QAction(self)
        self.pack_action.triggered.connect(self._pack)
        self.merge_action = QAction(self)
        self.merge_action.triggered.connect(self._merge)
        self.devices_action = QAction(self)
        self.devices_action.triggered.connect(self._devices)
        self.conflicts_action = QAction(self)
        self.conflicts_action.triggered.connect(self._conflicts)
        self.export_action = QAction(self)
        self.export_action.triggered.connect(self._export)
        self.export_qdc_action = QAction(self)
        self.export_qdc_action.triggered.connect(self._export_qdc)
        self.export_qdpx_action = QAction(self)
        self.export_qdpx_action.triggered.connect(self._export_qdpx)
        self.pseudonyms_action = QAction(self)
        self.pseudonyms_action.triggered.connect(self._pseudonyms)
        self.anonymity_review_action = QAction(self)
        self.anonymity_review_action.triggered.connect(self._anonymity_review)
        self.import_codebook_action = QAction(self)
        self.import_codebook_action.triggered.connect(self._import_codebook)
        for action in (
            self.export_action,
            self.export_qdc_action,
            self.export_qdpx_action,
            self.pseudonyms_action,
            self.anonymity_review_action,
            self.import_codebook_action,
            None,
            self.pack_action,
            self.merge_action,
            self.devices_action,
            self.conflicts_action,
        ):
            if action is None:
                self.data_menu.addSeparator()
            else:
                self.data_menu.addAction(action)
        self.review_menu = bar.addMenu("")
        self.review_action = QAction(self)
        self.review_action.triggered.connect(self.open_review)
        self.review_menu.addAction(self.review_action)
        self.analysis_menu = bar.addMenu("")
        self.code_action = QAction(self)
        self.code_action.triggered.connect(self.open_coding)
        self.matrix_action = QAction(self)
        self.matrix_action.triggered.connect(lambda: self._coding_dialog("open_matrix"))
        self.compare_action = QAction(self)
        self.compare_action.triggered.connect(lambda: self._coding_dialog("open_compare"))
        self.memos_action = QAction(self)
        self.memos_action.triggered.connect(lambda: self._coding_dialog("open_memo_list"))
        for action in (self.code_action, self.matrix_action, self.compare_action, self.memos_action):
            self.analysis_menu.addAction(action)
        self._apply_role()
        self.language_menu = bar.addMenu("")
        group = QActionGroup(self)
        self.language_actions = {}
        for lang, label in zip(LANGUAGES, ("中文", "English")):
            action = QAction(label, self, checkable=True)
            action.setChecked(lang == self.tr.lang)
            action.triggered.connect(lambda _checked=False, lang=lang: self.set_language(lang))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[lang] = action
        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self._about)
        self.help_menu.addAction(self.about_action)
        self.log_folder_action = QAction(self)
        self.log_folder_action.triggered.connect(self.open_log_folder)
        self.help_menu.addAction(self.log_folder_action)

    def open_log_folder(self) -> bool:
        """Help → Open log folder: what to send when something went wrong (it holds no answer text)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        folder = logs.folder()
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, self.tr("menu.about"), self.tr("about.text", path=self.store.path))

    def set_language(self, lang: str) -> None:
        self.tr.set_language(lang)
        preferences.remember_language(lang)  # this computer's: for the passphrase dialog of an encrypted database
        # a read-only window follows the choice but cannot remember it in its database
        if self.store is not None and not self.store.read_only:
            self.store.set_setting("ui_language", lang)
        self.language_actions[lang].setChecked(True)

    @property
    def write_actions(self) -> list[QAction]:
        """What changes the database: off in a read-only window."""
        return [
            self.new_interview_action,
            self.new_profile_action,
            self.add_form_action,
            self.identity_action,
            self.study_details_action,
            self.pack_action,
            self.merge_action,
            self.devices_action,
            self.conflicts_action,
            self.import_codebook_action,
            self.encrypt_action,
        ]

    @property
    def database_actions(self) -> list[QAction]:
        """What needs a database at all: off in a shell until it has one."""
        return [
            self.open_database_action,
            self.backup_action,
            self.export_action,
            self.review_action,
            self.about_action,
        ]

    def _apply_read_only(self) -> None:
        attached = self.store is not None
        read_only = attached and self.store.read_only  # a shell has nothing to say yet
        for action in self.database_actions:
            action.setEnabled(attached)
        self.project_menu.menuAction().setEnabled(attached)
        for action in self.write_actions:
            action.setEnabled(attached and not read_only)
        if read_only and not self.read_only_banner.styleSheet():
            # only when shown: the first style sheet of a run costs several milliseconds of start-up
            self.read_only_banner.setStyleSheet(
                "background: #eef2f7; color: #23364d; padding: 8px 12px; font-weight: 600;"
            )
        self.read_only_banner.setVisible(read_only)
        self.read_only_banner.setText(self.tr("read_only.banner"))
        self._name_encrypt_action()

    def _name_encrypt_action(self) -> None:
        encrypted = self.store is not None and self.store.encrypted
        self.encrypt_action.setText(self.tr("menu.change_passphrase" if encrypted else "menu.encrypt"))

    def back_up_database(self) -> None:
        from yingzao.ui.backup import back_up

        self._backup_job = back_up(self, self.store.path, self.tr)

    def encrypt_database(self) -> bool:
        """File → Encrypt this database… (Change passphrase… when it is encrypted): the interview on
        screen is saved and closed, the window's store closed (the file under it is replaced), the
        database converted off the UI thread (core/store/encryption.py, ui/encrypt_flow.py), and
        opened again, encrypted. When anything fails the database is as it was and opened again as
        it was. False when nothing was started."""
        from yingzao.ui.encrypt_flow import run_encryption

        if self.store is None or self.store.read_only or not self.close_interview():
            return False
        self._encryption_job = run_encryption(self)
        return self._encryption_job is not None

    # -- another database --------------------------------------------------------------------

    def choose_database(self) -> bool:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("menu.open_database"), str(self.store.path.parent), self.tr("open_db.filter")
        )
        return bool(path) and self.switch_database(Path(path))

    def switch_database(self, path: Path) -> bool:
        """Work on another database file in this window: the interview on screen is saved and closed
        first; the current database stays open if the other one cannot be opened."""
        from yingzao.core.forms.library import load_library
        from yingzao.ui.open_database import open_store
        from yingzao.ui.resume import offer_resume

        if Path(path).resolve() == self.store.path.resolve() or not self.close_interview():
            return False
        try:
            store = open_store(self, path, self.tr, quitting=False)
            if store is None:
                return False
            try:
                library = load_library(store)
            except YingzaoError:
                store.close()
                raise
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return False
        self.drop_pages()
        self.use_store(store, library)
        if not store.read_only:
            if not store.get_setting("user_name"):
                self.home.change_identity()
            offer_resume(self, store, self.tr, store.get_setting(OPEN_INTERVIEW) or "")
        return True

    def drop_pages(self) -> None:
        """Shut the review and coding pages, which hold the store, before it is closed or replaced."""
        if self.review_view is not None:
            self.review_view.shutdown()
            self.stack.removeWidget(self.review_view)
            self.review_view.deleteLater()
            self.review_view = None
        if self.coding_page is not None:
            self.coding_page.shutdown()
            self.stack.removeWidget(self.coding_page)
            self.coding_page.deleteLater()
            self.coding_page = None

    def use_store(self, store: Store, library: Library) -> None:
        """Work on `store` from now on, with a new home page; the store used until now is closed."""
        from yingzao.ui.home_view import HomeView

        old, self.store, self.library = self.store, store, library
        home = HomeView(store, library, self.tr, self.stack, load=False)
        home.open_requested.connect(self.open_interview)
        self.stack.removeWidget(self.home)
        self.home.deleteLater()
        self._home = home
        self.stack.addWidget(home)
        self.stack.setCurrentWidget(home)
        if old is not None and old is not store:
            old.close()
        self._apply_read_only()
        self._apply_role()
        self.statusBar().clearMessage()
        self._last_saved = None
        home.refresh()

    def _data_job(self, open_dialog) -> None:
        """Export, pack, merge or resolve: each dialog works on its own connection in a worker
        thread, so the interview on screen is saved and closed first and the list re-read after."""
        if not self.close_interview():
            return
        open_dialog(self, self.store.path, self.tr)
        self.home.refresh()
        if self.review_view is not None:
            self.review_view.refresh()
        if self.coding_page is not None:
            self.coding_page.refresh()

    # the dialogs are imported when first opened: start-up does without them
    def _pack(self) -> None:
        from yingzao.ui.pack_dialog import open_pack_dialog

        self._data_job(open_pack_dialog)

    def _merge(self) -> None:
        from yingzao.ui.merge_dialog import open_merge_dialog

        # the window's store: the project keys, once unlocked, stay so for the run
        self._data_job(lambda parent, path, tr: open_merge_dialog(parent, path, tr, store=self.store))

    def _devices(self) -> None:
        from yingzao.ui.devices_dialog import open_devices_dialog

        self._data_job(lambda parent, path, tr: open_devices_dialog(parent, path, tr, store=self.store))

    def _project_menu_opening(self) -> None:
        if self._project_actions is None:
            from yingzao.ui.project_menu import ProjectMenu

            self._project_actions = ProjectMenu(self, self.tr, self.project_menu)
            self._project_actions.changed.connect(self._project_changed)

    def _project_changed(self) -> None:
        """A project made, joined or updated: review rights come from it, and the protocols new
        interviews are taken with (the project's versions replace the shipped ones)."""
        if self.review_view is not None:
            self.review_view.refresh()
        self._reload_library()

    def add_form(self) -> bool:
        """File → Add protocol (XLSForm)…: a team's own form, offered for new interviews at once."""
        from yingzao.ui.add_form_flow import add_form

        if self.store is None or not add_form(self, self.store, self.tr):
            return False
        self._reload_library()
        return True

    def _reload_library(self) -> None:
        """The protocols new interviews are offered, read again after they changed."""
        from yingzao.core.forms.library import load_library

        if self.store is None:
            return
        try:
            self.library = load_library(self.store)
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return
        if self._home is not None:
            self._home.library = self.library

    def _conflicts(self) -> None:
        from yingzao.ui.conflict_dialog import open_conflicts_dialog

        self._data_job(open_conflicts_dialog)

    def _export(self) -> None:
        from yingzao.ui.export_dialog import open_export_dialog

        self._data_job(open_export_dialog)

    def _export_qdc(self) -> None:
        from yingzao.ui.refi_dialog import open_qdc_dialog

        self._data_job(open_qdc_dialog)

    def _export_qdpx(self) -> None:
        from yingzao.ui.refi_dialog import open_qdpx_dialog

        self._data_job(open_qdpx_dialog)

    def _pseudonyms(self) -> None:
        from yingzao.ui.pseudonym_dialog import open_pseudonym_dialog

        self._data_job(open_pseudonym_dialog)

    def _anonymity_review(self) -> None:
        from yingzao.ui.anonymity_review_dialog import open_anonymity_review

        self._data_job(open_anonymity_review)

    def _import_codebook(self) -> None:
        from yingzao.ui.codebook_import_dialog import open_codebook_import_dialog

        user = self.store.user
        self._data_job(lambda parent, path, tr: open_codebook_import_dialog(parent, path, tr, user))

    def open_review(self) -> None:
        from yingzao.ui.review_view import open_review

        open_review(self)

    def _apply_role(self) -> None:
        """Coding is for researchers and supervisors: a fieldworker's window has no Analysis menu."""
        store = self.store  # None until a database is open (the first-run path)
        coder = store is not None and store.get_setting("user_role") in ("researcher", "supervisor")
        self.analysis_menu.menuAction().setVisible(coder)
        for action in (self.code_action, self.matrix_action, self.compare_action, self.memos_action):
            action.setVisible(coder)

    def open_coding(self):
        from yingzao.ui.coding_page import open_coding

        return open_coding(self)

    def _coding_dialog(self, which: str):
        """Matrix, comparison and memo list open over the coding page (opened first if needed)."""
        page = self.open_coding()
        return getattr(page, which)() if page is not None else None

    def _home_action(self, action) -> None:
        if self.close_interview():  # starting something new leaves the interview on screen, saved
            action()

    def edit_study_details(self) -> None:
        """File → Study details…: what the consent statement names, filled in once for the study."""
        from yingzao.ui.study_details_dialog import StudyDetailsDialog

        if self.store is not None:
            StudyDetailsDialog(self.store, self.tr, self).exec()

    def change_identity(self) -> None:
        self.home.change_identity()
        self._apply_role()
        if self.review_view is not None:
            self.review_view.refresh()  # review actions follow the user's role

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("app.title"))
        self.file_menu.setTitle(tr("menu.file"))
        self.new_interview_action.setText(tr("menu.new_interview"))
        self.new_profile_action.setText(tr("menu.new_profile"))
        self.add_form_action.setText(tr("menu.add_form"))
        self.identity_action.setText(tr("menu.identity"))
        self.study_details_action.setText(tr("menu.study_details"))
        self.open_database_action.setText(tr("menu.open_database"))
        self.backup_action.setText(tr("menu.backup"))
        self._name_encrypt_action()
        self.log_folder_action.setText(tr("menu.log_folder"))
        self.read_only_banner.setText(tr("read_only.banner"))
        if self._last_saved and self.statusBar().currentMessage():
            self.statusBar().showMessage(tr("status.saved", time=self._last_saved))  # in the new language
        self.quit_action.setText(tr("menu.quit"))
        self.data_menu.setTitle(tr("menu.data"))
        self.review_menu.setTitle(tr("menu.review"))
        self.review_action.setText(tr("menu.review_queue"))
        self.analysis_menu.setTitle(tr("menu.analysis"))
        self.code_action.setText(tr("menu.code_interviews"))
        self.matrix_action.setText(tr("menu.matrix"))
        self.compare_action.setText(tr("menu.compare_coders"))
        self.memos_action.setText(tr("menu.memos"))
        self.pack_action.setText(tr("menu.pack"))
        self.merge_action.setText(tr("menu.merge"))
        self.devices_action.setText(tr("menu.devices"))
        self.project_menu.setTitle(tr("menu.project"))
        self.conflicts_action.setText(tr("menu.conflicts"))
        self.export_action.setText(tr("menu.export"))
        self.export_qdc_action.setText(tr("menu.export_qdc"))
        self.export_qdpx_action.setText(tr("menu.export_qdpx"))
        self.pseudonyms_action.setText(tr("menu.pseudonyms"))
        self.anonymity_review_action.setText(tr("menu.anonymity_review"))
        self.import_codebook_action.setText(tr("menu.import_codebook"))
        self.language_menu.setTitle(tr("menu.language"))
        self.help_menu.setTitle(tr("menu.help"))
        self.about_action.setText(tr("menu.about"))

    # -- interview screen --------------------------------------------------------------------

    def open_interview(self, interview_id: str, at_question: str | None = None) -> None:
        from yingzao.core.forms.engine import InterviewSession
        from yingzao.ui.interview_view import InterviewView

        if not self.close_interview():  # the one on screen first, saved, before the next is read
            return
        try:
            session = InterviewSession(self.store, interview_id, read_only=self.store.read_only)
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return
        new = session.editable and not session.answers
        if new:
            session.apply_defaults()  # a brand-new interview starts with the form's default answers
        community = ""
        if session.interview.community_id:
            try:
                community = self.store.community(session.interview.community_id).name
            except YingzaoError:
                community = session.interview.community_id
            if new:  # a profile does not ask again for the code and name the dialog just asked
                session.apply_community(session.interview.community_id, community)
        view = InterviewView(session, self.tr, community_name=community, parent=self.stack)
        view.closed.connect(self._interview_closed)
        view.finalized.connect(self._interview_finalized)
        view.saved.connect(self._saved)
        self.interview_view = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        if session.editable:
            self.store.set_setting(OPEN_INTERVIEW, interview_id)
        target = at_question or session.interview.last_question
        if target and session.protocol.has_question(target):
            view.focus_question(target)
        else:
            view.go_to_section(view.stack.currentIndex())

    def _saved(self, stamp: str) -> None:
        self._last_saved = stamp
        self.statusBar().showMessage(self.tr("status.saved", time=stamp))

    def close_interview(self) -> bool:
        """Save and close the interview on screen; False if it must stay (something unsaved)."""
        view = self.interview_view
        if view is None:
            return True
        if not view.save_before_leaving():
            return False
        view.shutdown()
        self.interview_view = None
        self.stack.removeWidget(view)
        view.deleteLater()
        if not self.store.read_only:
            self.store.set_setting(OPEN_INTERVIEW, "")
        self.stack.setCurrentWidget(self.home)
        self.home.refresh()
        return True

    def _interview_closed(self) -> None:
        self.close_interview()

    def _interview_finalized(self, _interview_id: str) -> None:
        self.close_interview()
        self.statusBar().showMessage(self.tr("status.finalised"), 8000)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._first_painted:
            # A zero timer started in showEvent would run before the window system's first expose,
            # so the window would wait for the rows; one started here runs once the window is on screen.
            self._first_painted = True
            QTimer.singleShot(0, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        # the first shortcut set costs PySide6 the creation of every Qt.* enum (tens of ms): once on screen
        self.open_database_action.setShortcut(QKeySequence.StandardKey.Open)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if self.store is not None:  # a shell reads its list once `attach` gives it the database
            self._load_list()
        self.first_painted.emit()

    def _load_list(self) -> None:
        if self.store is not None and self.store.is_open:  # the window may outlive its store (closing, tests)
            self.home.refresh()

    def closeEvent(self, event) -> None:
        if self.interview_view is not None:
            if not self.interview_view.save_before_leaving():
                event.ignore()  # something typed could not be saved and the user chose to stay
                return
            self.interview_view.shutdown()
            if not self.store.read_only:
                self.store.set_setting(OPEN_INTERVIEW, "")
        if self.review_view is not None:
            self.review_view.shutdown()
        if self.coding_page is not None:
            self.coding_page.shutdown()
        super().closeEvent(event)
