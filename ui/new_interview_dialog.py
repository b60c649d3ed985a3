"""Start an interview: which protocol (by respondent role) and which community case it is about.

The dialog only chooses; creating a new community (a case letter and a name, e.g. C / C社区) is the
one thing it writes, when the user confirms. The caller starts the interview itself.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import StoreError
from yingzao.core.forms.library import Library
from yingzao.core.forms.protocol import ROLES, Protocol
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "newiv.title": ("新建访谈", "New interview"),
        "newiv.title_profile": ("新建社区概况", "New community profile"),
        "newiv.protocol_box": ("受访者角色与访谈提纲", "Respondent role and protocol"),
        "newiv.protocol_row": ("{role} — {title}（{version}）", "{role} — {title} ({version})"),
        "newiv.protocol_row_own": ("{title}（{version}）", "{title} ({version})"),
        "newiv.profile_intro": (
            "社区概况记录一个案例社区的基本情况（面积、人口、产业、组织等）。请选择社区：",
            "A community profile records the facts of one case (area, population, industry, organisations). "
            "Choose the community:",
        ),
        "newiv.community_box": ("社区（案例）", "Community (case)"),
        "newiv.existing": ("已有社区", "Existing community"),
        "newiv.new": ("新建社区", "New community"),
        "newiv.new_id": ("代号", "Case id"),
        "newiv.new_id_placeholder": ("如 C", "e.g. C"),
        "newiv.new_name": ("名称", "Name"),
        "newiv.new_name_placeholder": ("如 C社区", "e.g. C社区"),
        "newiv.none": ("不针对单个社区（如市级官员）", "Not a single community (e.g. city officials)"),
        "newiv.no_communities": ("还没有社区", "No communities yet"),
        "newiv.id_taken": (
            "代号 {id} 已被“{name}”使用，请在“已有社区”中选择它，或换一个代号。",
            "The id {id} is already used by “{name}”: choose it under “Existing community”, or use another id.",
        ),
        "newiv.no_protocol": (
            "没有可用的提纲，无法新建。请检查 forms/ 文件夹。",
            "No protocol is available, so nothing can be started. Check the forms/ folder.",
        ),
        "newiv.start": ("开始访谈", "Start interview"),
        "newiv.start_profile": ("开始填写", "Start"),
        "newiv.cancel": ("取消", "Cancel"),
    }
)


def interview_protocols(library: Library) -> list[Protocol]:
    """The interview protocols (not the community profile), in the study's role order."""
    order = {role: i for i, role in enumerate(ROLES)}
    return sorted((p for p in library.protocols if p.role != "profile"), key=lambda p: order.get(p.role, 99))


class NewInterviewDialog(QDialog):
    def __init__(
        self, store: Store, library: Library, tr: Translator, parent: QWidget | None = None, *, profile: bool = False
    ) -> None:
        super().__init__(parent)
        self.store, self.library, self.tr, self.profile = store, library, tr, profile
        self.communities = store.communities()
        self.protocols = library.by_role("profile")[:1] if profile else interview_protocols(library)
        self.choice: tuple[str, str | None] | None = None
        self.setModal(True)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(14)

        self.protocol_box = QGroupBox(self)
        self.protocol_group = QButtonGroup(self)
        self.protocol_buttons: dict[str, QRadioButton] = {}
        box_layout = QVBoxLayout(self.protocol_box)
        for protocol in self.protocols:
            button = QRadioButton(self.protocol_box)
            self.protocol_group.addButton(button)
            self.protocol_buttons[protocol.sha256] = button
            box_layout.addWidget(button)
        if self.protocols:
            self.protocol_buttons[self.protocols[0].sha256].setChecked(True)
        self.profile_intro = QLabel(self)
        self.profile_intro.setWordWrap(True)
        layout.addWidget(self.profile_intro)
        layout.addWidget(self.protocol_box)
        self.profile_intro.setVisible(profile)
        self.protocol_box.setVisible(not profile)  # a profile has one protocol: nothing to choose

        self.community_box = QGroupBox(self)
        grid = QGridLayout(self.community_box)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(4, 2)
        self.mode_group = QButtonGroup(self)
        self.existing_radio = QRadioButton(self.community_box)
        self.community_combo = QComboBox(self.community_box)
        for community in self.communities:
            self.community_combo.addItem(f"{community.id} — {community.name}", community.id)
        self.new_radio = QRadioButton(self.community_box)
        self.new_id_label, self.new_name_label = QLabel(self.community_box), QLabel(self.community_box)
        self.new_id_edit = QLineEdit(self.community_box)
        self.new_id_edit.setMaxLength(20)
        self.new_name_edit = QLineEdit(self.community_box)
        self.new_name_edit.setMaxLength(60)
        self.none_radio = QRadioButton(self.community_box)
        for button in (self.existing_radio, self.new_radio, self.none_radio):
            self.mode_group.addButton(button)
        grid.addWidget(self.existing_radio, 0, 0)
        grid.addWidget(self.community_combo, 0, 1, 1, 4)
        grid.addWidget(self.new_radio, 1, 0)
        grid.addWidget(self.new_id_label, 1, 1)
        grid.addWidget(self.new_id_edit, 1, 2)
        grid.addWidget(self.new_name_label, 1, 3)
        grid.addWidget(self.new_name_edit, 1, 4)
        grid.addWidget(self.none_radio, 2, 0, 1, 5)
        self.none_radio.setVisible(not profile)  # a profile is always about one community
        layout.addWidget(self.community_box)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        has_communities = bool(self.communities)
        self.existing_radio.setEnabled(has_communities)
        self.community_combo.setEnabled(has_communities)
        (self.existing_radio if has_communities else self.new_radio).setChecked(True)
        # typing or choosing in a row selects that row's option
        self.community_combo.activated.connect(lambda _i: self.existing_radio.setChecked(True))
        self.new_id_edit.textEdited.connect(self._id_edited)
        self.new_name_edit.textEdited.connect(self._name_edited)
        self.mode_group.buttonToggled.connect(lambda *_: self._validate())
        self.protocol_group.buttonToggled.connect(lambda *_: self._validate())
        tr.on_change(self.retranslate)
        self.retranslate()

    # -- what was chosen -----------------------------------------------------------------------

    @property
    def protocol_sha256(self) -> str | None:
        return next((sha for sha, button in self.protocol_buttons.items() if button.isChecked()), None)

    def select_protocol(self, role: str) -> None:
        """Check the first protocol for this respondent role (keyboard users and tests)."""
        for protocol in self.protocols:
            if protocol.role == role:
                self.protocol_buttons[protocol.sha256].setChecked(True)
                return

    def select_community(self, community_id: str | None) -> None:
        if community_id is None:
            self.none_radio.setChecked(True)
            return
        index = self.community_combo.findData(community_id)
        if index >= 0:
            self.community_combo.setCurrentIndex(index)
            self.existing_radio.setChecked(True)

    def _existing_id(self, new_id: str) -> str | None:
        folded = new_id.casefold()
        return next((c.id for c in self.communities if c.id.casefold() == folded), None)

    def _problem(self) -> str:
        """What keeps OK disabled, in words; '' when the choice is complete."""
        if not self.protocols:
            return self.tr("newiv.no_protocol")
        if self.new_radio.isChecked():
            new_id = self.new_id_edit.text().strip()
            taken = self._existing_id(new_id) if new_id else None
            if taken is not None:
                name = next(c.name for c in self.communities if c.id == taken)
                return self.tr("newiv.id_taken", id=taken, name=name)
        return ""

    def _complete(self) -> bool:
        if self.protocol_sha256 is None or self._problem():
            return False
        if self.new_radio.isChecked():
            return bool(self.new_id_edit.text().strip())
        return self.none_radio.isChecked() or (self.existing_radio.isChecked() and self.community_combo.count() > 0)

    def _validate(self) -> None:
        problem = self._problem()
        self.message.setText(problem)
        self.message.setVisible(bool(problem))
        self.ok_button.setEnabled(self._complete())

    def _id_edited(self, text: str) -> None:
        self.new_radio.setChecked(True)
        # suggest the paper's way of naming a case (C -> C社区) as a placeholder, used when the name
        # is left empty: pre-filled text would turn a typed "A社区" into "A社区A社区"
        self.new_name_edit.setPlaceholderText(self._suggested_name() or self.tr("newiv.new_name_placeholder"))
        self._validate()

    def _suggested_name(self) -> str:
        code = self.new_id_edit.text().strip()
        return f"{code}社区" if code else ""

    def new_name(self) -> str:
        return self.new_name_edit.text().strip() or self._suggested_name()

    def _name_edited(self, _text: str) -> None:
        self.new_radio.setChecked(True)
        self._validate()

    def retranslate(self) -> None:
        tr, lang = self.tr, self.tr.lang
        self.setWindowTitle(tr("newiv.title_profile" if self.profile else "newiv.title"))
        self.protocol_box.setTitle(tr("newiv.protocol_box"))
        for protocol in self.protocols:
            if protocol.role in ROLES:
                text = tr(
                    "newiv.protocol_row",
                    role=tr(f"role.{protocol.role}"),
                    title=protocol.title(lang),
                    version=protocol.version,
                )
            else:  # a team's own form names no role of this study: its title says what it is
                text = tr("newiv.protocol_row_own", title=protocol.title(lang), version=protocol.version or "—")
            self.protocol_buttons[protocol.sha256].setText(text)
        self.profile_intro.setText(tr("newiv.profile_intro"))
        self.community_box.setTitle(tr("newiv.community_box"))
        self.existing_radio.setText(tr("newiv.existing"))
        if not self.communities:
            self.community_combo.setPlaceholderText(tr("newiv.no_communities"))
        self.new_radio.setText(tr("newiv.new"))
        self.new_id_label.setText(tr("newiv.new_id"))
        self.new_id_edit.setPlaceholderText(tr("newiv.new_id_placeholder"))
        self.new_name_label.setText(tr("newiv.new_name"))
        self.new_name_edit.setPlaceholderText(self._suggested_name() or tr("newiv.new_name_placeholder"))
        self.none_radio.setText(tr("newiv.none"))
        self.ok_button.setText(tr("newiv.start_profile" if self.profile else "newiv.start"))
        self.cancel_button.setText(tr("newiv.cancel"))
        self._validate()

    def accept(self) -> None:
        if not self._complete():
            return
        community_id: str | None
        if self.new_radio.isChecked():
            try:
                community_id = self.store.add_community(self.new_id_edit.text().strip(), self.new_name()).id
            except StoreError as error:
                self.message.setText(error.message)
                self.message.setVisible(True)
                return
        elif self.existing_radio.isChecked():
            community_id = self.community_combo.currentData()
        else:
            community_id = None
        self.choice = (self.protocol_sha256, community_id)
        super().accept()


def choose_new_interview(
    parent: QWidget | None, store: Store, library: Library, tr: Translator, *, profile: bool = False
) -> tuple[str, str | None] | None:
    """(protocol sha256, community id or None) for a new interview, or None if the user cancelled."""
    dialog = NewInterviewDialog(store, library, tr, parent, profile=profile)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice
    finally:
        dialog.deleteLater()
