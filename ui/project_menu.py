"""File → Project: the project's menu, offering only what fits this database (joining when it is in
no project; adding supervisors only where the project's keys are), and the supervisor and key
steps that are too small for a dialog of their own."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import YingzaoError
from yingzao.core.security import membership
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.join_project_dialog import join_from_file
from yingzao.ui.project_dialogs import new_project, show_details
from yingzao.ui.project_files import KEY_CARD_SUFFIX, KEYS_SUFFIX, PROJECT_SUFFIX, open_bytes, safe_name, save_bytes
from yingzao.ui.project_passphrase_dialog import ask_with_passphrase

add_strings(
    {
        "pmenu.new": ("新建项目…", "New project…"),
        "pmenu.join": ("加入项目…", "Join project…"),
        "pmenu.update": ("打开新版项目文件…", "Open updated project file…"),
        "pmenu.details": ("项目信息…", "Project details…"),
        "pmenu.save_project": ("保存项目文件…", "Save project file…"),
        "pmenu.key_card": ("导出我的公钥…", "Export my public key…"),
        "pmenu.add_supervisor": ("添加督导…", "Add supervisor…"),
        "pmenu.remove_supervisor": ("移除督导…", "Remove supervisor…"),
        "pmenu.publish": ("发布提纲更新…", "Publish protocol updates…"),
        "pmenu.publish.none": (
            "项目文件已带有本数据库正在使用的提纲和编码表，没有需要发布的更新。\n\n"
            "修改 forms 文件夹中的提纲或编码表并重新启动营造后，再来发布。",
            "The project file already carries the protocols and codebook this database uses: nothing to publish.\n\n"
            "Revise a protocol or the codebook in the forms folder and restart Yingzao, then publish.",
        ),
        "pmenu.publish.passphrase": (
            "发布提纲更新会生成新版本的项目文件，需要用项目口令签名。各台电脑打开新版项目文件后，新访谈使用更新后的提纲；"
            "已开始的访谈仍用原来的版本。",
            "Publishing protocol updates makes a new revision of the project file, signed with the project passphrase. "
            "Once a computer opens it, new interviews use the revised protocols; interviews already begun keep theirs.",
        ),
        "pmenu.export_keys": ("导出项目密钥…", "Export project keys…"),
        "pmenu.import_keys": ("导入项目密钥…", "Import project keys…"),
        "pmenu.card_saved": (
            "公钥卡片已保存到 {path}。\n\n请把它交给研究者；研究者把您加入督导名单后会给您新的项目文件，"
            "用“文件 → 项目 → 打开新版项目文件…”打开它即可审核。\n\n本机指纹（研究者添加时核对）：{fingerprint}",
            "The key card is saved to {path}.\n\nGive it to the researcher; once they list you as a supervisor they "
            "give you a new project file: open it with File → Project → Open updated project file… to review.\n\n"
            "This computer's fingerprint (the researcher compares it): {fingerprint}",
        ),
        "pmenu.add.title": ("添加督导", "Add supervisor"),
        "pmenu.add.check": (
            "要把下面这位加入督导名单吗？请与督导电脑上“项目信息”显示的本机指纹核对，完全一致才添加。\n\n"
            "姓名：{name}\n指纹：{fingerprint}",
            "Add this person as a supervisor? Compare with the fingerprint their computer shows under Project "
            "details; add them only if it is exactly the same.\n\nName: {name}\nFingerprint: {fingerprint}",
        ),
        "pmenu.add.confirm": ("指纹一致，添加", "The fingerprint matches: add"),
        "pmenu.add.passphrase": (
            "添加督导会生成新版本的项目文件，需要用项目口令签名。",
            "Adding a supervisor makes a new revision of the project file, signed with the project passphrase.",
        ),
        "pmenu.remove.title": ("移除督导", "Remove supervisor"),
        "pmenu.remove.choose": (
            "选择要移除的督导。此后他签名的审核结果不再被接受；已合并的不受影响。",
            "Choose the supervisor to remove. Reviews they sign from now on are refused; those merged stay.",
        ),
        "pmenu.remove.confirm": ("移除", "Remove"),
        "pmenu.remove.passphrase": (
            "移除督导会生成新版本的项目文件，需要用项目口令签名。",
            "Removing a supervisor makes a new revision of the project file, signed with the project passphrase.",
        ),
        "pmenu.revision_made": (
            "项目文件第 {revision} 版已生成。请保存它，交给每台电脑用“文件 → 项目 → 打开新版项目文件…”打开。",
            "Revision {revision} of the project file is made. Save it and give it to every computer to open "
            "(File → Project → Open updated project file…).",
        ),
        "pmenu.revision_unsaved": (
            "新版本已保存在本数据库中；可随时用“文件 → 项目 → 保存项目文件…”再保存一份。",
            "The new revision is kept in this database; save a copy any time (File → Project → Save project file…).",
        ),
        "pmenu.import.passphrase": (
            "项目密钥文件由项目口令保护。请输入研究者建立项目时设定的口令。",
            "The project keys file is protected by the project passphrase. Enter the passphrase the researcher "
            "chose when making the project.",
        ),
        "pmenu.imported": (
            "项目密钥已导入：这个数据库现在可以打开访员的数据包、修改督导名单。",
            "The project keys are imported: this database can now open packages and change the supervisors.",
        ),
        "pmenu.export_keys.note": (
            "导出的项目密钥仍由项目口令保护。请把它存放在安全的地方（例如锁好的 U 盘）。",
            "The exported keys are still protected by the project passphrase. Keep the file somewhere safe "
            "(a locked-away USB stick).",
        ),
        "pmenu.ok": ("确定", "OK"),
    }
)


class ProjectMenu(QObject):
    """The submenu's actions, shown or hidden each time it opens; `changed` after the database
    made, joined or updated its project (review rights may have changed with it)."""

    changed = Signal()

    def __init__(self, window, tr: Translator, menu: QMenu) -> None:
        super().__init__(window)
        self.window, self.tr, self.menu = window, tr, menu
        self.actions: dict[str, QAction] = {}
        steps = (
            ("details", self.details),
            (None, None),
            ("new", self.new_project),
            ("join", self.join),
            ("update", self.join),
            ("save_project", self.save_project_file),
            (None, None),
            ("key_card", self.export_key_card),
            ("add_supervisor", self.add_supervisor),
            ("remove_supervisor", self.remove_supervisor),
            ("publish", self.publish_protocols),
            (None, None),
            ("export_keys", self.export_keys),
            ("import_keys", self.import_keys),
        )
        for name, step in steps:
            if name is None:
                self.menu.addSeparator()
                continue
            action = QAction(self.menu)
            action.triggered.connect(step)
            self.menu.addAction(action)
            self.actions[name] = action
        self.menu.aboutToShow.connect(self.refresh)
        tr.on_change(self.retranslate)
        self.retranslate()
        self.refresh()

    @property
    def store(self):
        return self.window.store

    def retranslate(self) -> None:
        for name, action in self.actions.items():
            action.setText(self.tr(f"pmenu.{name}"))

    def refresh(self) -> None:
        """Offer what fits: nothing without a database; only details in a read-only window."""
        store = self.store
        attached = store is not None
        writable = attached and not store.read_only
        joined = attached and membership.project(store) is not None
        keys = joined and membership.holds_project_keys(store)
        shown = {
            "details": attached,
            "new": writable and not joined,
            "join": writable and not joined,
            "update": writable and joined,
            "save_project": joined,
            "key_card": writable,
            "add_supervisor": writable and keys,
            "remove_supervisor": writable and keys,
            "publish": writable and keys,
            "export_keys": keys,
            "import_keys": writable and joined and not keys,
        }
        for name, action in self.actions.items():
            action.setVisible(shown[name])

    # -- steps -------------------------------------------------------------------------------

    def _done(self, changed: bool) -> None:
        if changed:
            self.changed.emit()

    def details(self) -> None:
        self._done(show_details(self.window, self.store, self.tr))

    def new_project(self) -> None:
        self._done(new_project(self.window, self.store, self.tr))

    def join(self) -> None:
        self._done(join_from_file(self.window, self.store, self.tr))

    def save_project_file(self):
        project = membership.project(self.store)
        if project is None:
            return None
        return save_bytes(
            self.window,
            self.tr,
            self.tr("pmenu.save_project"),
            safe_name(project.name, "project") + PROJECT_SUFFIX,
            "proj.filter.project",
            membership.project_file(self.store),
        )

    def export_key_card(self):
        store = self.store
        try:
            data = membership.key_card(store)
        except YingzaoError as error:
            error_dialog.show_error(self.window, self.tr, error)
            return None
        name = safe_name(store.user or "", "key") + KEY_CARD_SUFFIX
        saved = save_bytes(self.window, self.tr, self.tr("pmenu.key_card"), name, "proj.filter.card", data)
        if saved is not None:
            fingerprint = membership.device_keys(store).public.fingerprint
            self._tell(self.tr("pmenu.key_card"), self.tr("pmenu.card_saved", path=saved, fingerprint=fingerprint))
        return saved

    def add_supervisor(self) -> None:
        tr, store = self.tr, self.store
        chosen = open_bytes(self.window, tr, tr("pmenu.add.title"), "proj.filter.card")
        if chosen is None:
            return
        try:
            name, public = membership.read_key_card(chosen[1], chosen[0])
        except YingzaoError as error:
            error_dialog.show_error(self.window, tr, error)
            return
        text = tr("pmenu.add.check", name=name, fingerprint=public.fingerprint)
        if not self._confirm(tr("pmenu.add.title"), text, tr("pmenu.add.confirm")):
            return
        data = ask_with_passphrase(
            self.window,
            tr,
            tr("pmenu.add.passphrase"),
            lambda passphrase: membership.add_supervisor(store, passphrase, name, public),
        )
        self._new_revision(data)

    def remove_supervisor(self) -> None:
        tr, store = self.tr, self.store
        project = membership.project(store)
        if project is None:
            return
        dialog = SupervisorChoice(project.supervisors, tr, self.window)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            fingerprint = dialog.fingerprint()
        finally:
            dialog.deleteLater()
        data = ask_with_passphrase(
            self.window,
            tr,
            tr("pmenu.remove.passphrase"),
            lambda passphrase: membership.remove_supervisor(store, passphrase, fingerprint),
        )
        self._new_revision(data)

    def publish_protocols(self) -> None:
        tr, store = self.tr, self.store
        if not membership.protocols_to_publish(store):
            self._tell(tr("pmenu.publish"), tr("pmenu.publish.none"))
            return
        data = ask_with_passphrase(
            self.window,
            tr,
            tr("pmenu.publish.passphrase"),
            lambda passphrase: membership.publish_protocols(store, passphrase),
        )
        self._new_revision(data)

    def _new_revision(self, data) -> None:
        if data is None:
            return  # cancelled: the project file is as it was
        self.changed.emit()
        project = membership.project(self.store)
        revision = project.revision if project else 0
        self._tell(self.tr("pmenu.save_project"), self.tr("pmenu.revision_made", revision=revision))
        if self.save_project_file() is None:
            self._tell(self.tr("pmenu.save_project"), self.tr("pmenu.revision_unsaved"))

    def export_keys(self):
        store = self.store
        project = membership.project(store)
        self._tell(self.tr("pmenu.export_keys"), self.tr("pmenu.export_keys.note"))
        name = safe_name(project.name if project else "", "project") + KEYS_SUFFIX
        return save_bytes(
            self.window,
            self.tr,
            self.tr("pmenu.export_keys"),
            name,
            "proj.filter.keys",
            membership.export_keys(store),
        )

    def import_keys(self) -> bool:
        tr, store = self.tr, self.store
        chosen = open_bytes(self.window, tr, tr("pmenu.import_keys"), "proj.filter.keys")
        if chosen is None:
            return False
        path, data = chosen
        done = ask_with_passphrase(
            self.window,
            tr,
            tr("pmenu.import.passphrase"),
            lambda passphrase: membership.import_keys(store, data, passphrase, path) or True,
        )
        if done:
            self._tell(tr("pmenu.import_keys"), tr("pmenu.imported"))
            self.changed.emit()
        return bool(done)

    # -- small questions -----------------------------------------------------------------------

    def _tell(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.window)
        box.addButton(self.tr("pmenu.ok"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def _confirm(self, title: str, text: str, yes: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.window)
        confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("proj.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # Enter does not add before the fingerprint was compared
        box.exec()
        return box.clickedButton() is confirm


class SupervisorChoice(QDialog):
    """Which supervisor to remove, by name and fingerprint."""

    def __init__(self, supervisors, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("pmenu.remove.title"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        label = QLabel(tr("pmenu.remove.choose"), self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.box = QComboBox(self)
        for supervisor in supervisors:
            fingerprint = supervisor.keys.fingerprint
            self.box.addItem(
                tr("proj.details.supervisor_line", name=supervisor.name, fingerprint=fingerprint), fingerprint
            )
        layout.addWidget(self.box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("pmenu.remove.confirm"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("proj.cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def fingerprint(self) -> str:
        return self.box.currentData()
