"""The main window: the home list and the interview screen, one at a time, and the menus."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStackedWidget

from core.errors import YingzaoError
from core.library import Library
from core.store import Store
from ui.i18n import LANGUAGES, Translator, add_strings

OPEN_INTERVIEW = "open_interview"  # setting: the interview on screen; left behind only by a crash

add_strings({
    "menu.file": ("文件(&F)", "&File"),
    "menu.interview": ("访谈", "Interview"),
    "menu.new_interview": ("新建访谈…", "New interview…"),
    "menu.new_profile": ("新建社区概况…", "New community profile…"),
    "menu.identity": ("我的身份…", "My identity…"),
    "menu.pack": ("导出数据包…", "Export session…"),
    "menu.merge": ("合并数据包…", "Merge sessions…"),
    "menu.conflicts": ("解决合并冲突…", "Resolve conflicts…"),
    "menu.export": ("导出 Excel 分析表…", "Export Excel workbook…"),
    "menu.data": ("数据(&D)", "&Data"),
    "menu.review": ("审核(&R)", "&Review"),
    "menu.review_queue": ("审核队列…", "Review queue…"),
    "menu.quit": ("退出", "Quit"),
    "menu.help": ("帮助(&H)", "&Help"),
    "menu.about": ("关于营造", "About Yingzao"),
    "about.text": ("营造：产业社区营造与精细化治理研究的离线访谈工具。\n数据库：{path}",
                   "Yingzao: offline interviews for research on industrial-community building and fine governance.\nDatabase: {path}"),
    "status.finalised": ("访谈已完成并保存。", "Interview finalised and saved."),
    "status.saved": ("已保存 {time}", "Saved {time}"),
})


class MainWindow(QMainWindow):
    def __init__(self, store: Store, library: Library, tr: Translator) -> None:
        super().__init__()
        from ui.home_view import HomeView

        self.store, self.library, self.tr = store, library, tr
        self.resize(1280, 800)
        self.stack = QStackedWidget(self)
        # the list of interviews is read just after the window first paints (see showEvent): with
        # thousands of interviews the window appears sooner, and the rows follow a moment later
        self.home = HomeView(store, library, tr, self.stack, load=False)
        self._list_loaded = False
        self.home.open_requested.connect(self.open_interview)
        self.stack.addWidget(self.home)
        self.setCentralWidget(self.stack)
        self.interview_view = None
        self.review_view = None
        self._build_menus()
        tr.on_change(self.retranslate)
        self.retranslate()

    # -- menus -------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_interview_action = QAction(self)  # Ctrl+N is the home page's own shortcut
        self.new_interview_action.triggered.connect(lambda: self._home_action(self.home.new_interview))
        self.new_profile_action = QAction(self)
        self.new_profile_action.triggered.connect(lambda: self._home_action(lambda: self.home.new_interview(profile=True)))
        self.identity_action = QAction(self)
        self.identity_action.triggered.connect(self.change_identity)
        self.quit_action = QAction(self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        for action in (self.new_interview_action, self.new_profile_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.identity_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.data_menu = bar.addMenu("")
        self.pack_action = QAction(self)
        self.pack_action.triggered.connect(lambda: self._data_job("ui.pack_dialog", "open_pack_dialog"))
        self.merge_action = QAction(self)
        self.merge_action.triggered.connect(lambda: self._data_job("ui.merge_dialog", "open_merge_dialog"))
        self.conflicts_action = QAction(self)
        self.conflicts_action.triggered.connect(lambda: self._data_job("ui.conflict_dialog", "open_conflicts_dialog"))
        self.export_action = QAction(self)
        self.export_action.triggered.connect(lambda: self._data_job("ui.export_dialog", "open_export_dialog"))
        for action in (self.export_action, None, self.pack_action, self.merge_action, self.conflicts_action):
            if action is None:
                self.data_menu.addSeparator()
            else:
                self.data_menu.addAction(action)
        self.review_menu = bar.addMenu("")
        self.review_action = QAction(self)
        self.review_action.triggered.connect(self.open_review)
        self.review_menu.addAction(self.review_action)
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

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, self.tr("menu.about"), self.tr("about.text", path=self.store.path))

    def set_language(self, lang: str) -> None:
        self.tr.set_language(lang)
        self.store.set_setting("ui_language", lang)
        self.language_actions[lang].setChecked(True)

    def _data_job(self, module: str, function: str) -> None:
        """Export, pack, merge or resolve: each dialog works on its own connection in a worker
        thread, so the interview on screen is saved and closed first and the list re-read after."""
        import importlib

        if not self.close_interview():
            return
        getattr(importlib.import_module(module), function)(self, self.store.path, self.tr)
        self.store.forget_cached()
        self.home.refresh()
        if self.review_view is not None:
            self.review_view.refresh()

    def open_review(self) -> None:
        from ui.review_view import open_review

        open_review(self)

    def _home_action(self, action) -> None:
        if self.close_interview():  # starting something new leaves the interview on screen, saved
            action()

    def change_identity(self) -> None:
        self.home.change_identity()
        if self.review_view is not None:
            self.review_view.refresh()  # review actions follow the user's role

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("app.title"))
        self.file_menu.setTitle(tr("menu.file"))
        self.new_interview_action.setText(tr("menu.new_interview"))
        self.new_profile_action.setText(tr("menu.new_profile"))
        self.identity_action.setText(tr("menu.identity"))
        self.quit_action.setText(tr("menu.quit"))
        self.data_menu.setTitle(tr("menu.data"))
        self.review_menu.setTitle(tr("menu.review"))
        self.review_action.setText(tr("menu.review_queue"))
        self.pack_action.setText(tr("menu.pack"))
        self.merge_action.setText(tr("menu.merge"))
        self.conflicts_action.setText(tr("menu.conflicts"))
        self.export_action.setText(tr("menu.export"))
        self.language_menu.setTitle(tr("menu.language"))
        self.help_menu.setTitle(tr("menu.help"))
        self.about_action.setText(tr("menu.about"))

    # -- interview screen --------------------------------------------------------------------

    def open_interview(self, interview_id: str, at_question: str | None = None) -> None:
        from core.engine import InterviewSession
        from ui.interview_view import InterviewView

        if not self.close_interview():  # the one on screen first, saved, before the next is read
            return
        try:
            session = InterviewSession(self.store, interview_id)
        except YingzaoError as error:
            from ui.app import show_error

            show_error(self, self.tr, error)
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
        view.saved.connect(lambda stamp: self.statusBar().showMessage(self.tr("status.saved", time=stamp)))
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
        self.store.set_setting(OPEN_INTERVIEW, "")
        self.stack.setCurrentWidget(self.home)
        self.home.refresh()
        return True

    def _interview_closed(self) -> None:
        self.close_interview()

    def _interview_finalized(self, _interview_id: str) -> None:
        self.close_interview()
        self.statusBar().showMessage(self.tr("status.finalised"), 8000)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._list_loaded:
            self._list_loaded = True
            QTimer.singleShot(0, self, self._load_list)

    def _load_list(self) -> None:
        if self.store.is_open:  # the window may outlive its store (closing, tests)
            self.home.refresh()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.interview_view is not None:
            if not self.interview_view.save_before_leaving():
                event.ignore()  # something typed could not be saved and the user chose to stay
                return
            self.interview_view.shutdown()
            self.store.set_setting(OPEN_INTERVIEW, "")
        if self.review_view is not None:
            self.review_view.shutdown()
        super().closeEvent(event)
