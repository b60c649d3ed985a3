"""The coding page's "Attribute to communities…": which of the communities a city official's interview
discussed one coded passage is about, one checkbox each (none ticked: all of them)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "coding.attribute.title": ("归属社区", "Attribute to communities"),
        "coding.attribute.intro": (
            "这段编码谈的是哪些社区？导出的分社区表只把它算入勾选的社区；都不勾选，则算入访谈谈到的全部社区。",
            "Which communities is this passage about? The export's per-community sheets count it only for those "
            "ticked; with none ticked, for every community the interview discussed.",
        ),
    }
)


class AttributionDialog(QDialog):
    """One checkbox per community the coding can be attributed to, ticked as it now is."""

    def __init__(
        self,
        tr: Translator,
        quote: str,
        communities: list[tuple[str, str]],
        chosen: tuple[str, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("coding.attribute.title"))
        layout = QVBoxLayout(self)
        intro = QLabel(tr("coding.attribute.intro"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        shown = QLabel(f"“{quote[:120]}”", self)
        shown.setWordWrap(True)
        layout.addWidget(shown)
        self.boxes: dict[str, QCheckBox] = {}
        for community_id, name in communities:
            label = community_id if name in ("", community_id) else f"{community_id} · {name}"
            box = QCheckBox(label, self)
            box.setChecked(community_id in chosen)
            layout.addWidget(box)
            self.boxes[community_id] = box
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def chosen(self) -> list[str]:
        return [community for community, box in self.boxes.items() if box.isChecked()]
