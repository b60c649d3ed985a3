"""File → Add protocol (XLSForm)…: a team's own interview guide, checked and offered for new interviews
(core/forms/added.py). Every problem of a workbook that does not load is listed, not only the first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from yingzao.core.errors import FormError, YingzaoError
from yingzao.core.forms import added
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "addform.title": ("添加访谈提纲", "Add protocol"),
        "addform.filter": ("XLSForm 工作簿 (*.xlsx *.xls)", "XLSForm workbooks (*.xlsx *.xls)"),
        "addform.done": (
            "已添加“{title}”（{version}）：新建访谈时可以选用它。",
            "“{title}” ({version}) is added: new interviews can use it.",
        ),
        "addform.warnings": (
            "它有 {n} 处营造忽略的内容（不影响访谈记录），见详细信息。",
            "It carries {n} thing(s) Yingzao ignores (nothing it records changes); see the details.",
        ),
        "addform.problems": (
            "全部问题（工作表:行: [列] 说明）见详细信息。",
            "Every problem (sheet:row: [column] what to do) is in the details.",
        ),
    }
)


def add_form(parent: QWidget | None, store: Store, tr: Translator) -> bool:
    """Ask for a workbook and add it; True when a form was added (the library should be read again)."""
    path, _filter = QFileDialog.getOpenFileName(parent, tr("addform.title"), str(Path.home()), tr("addform.filter"))
    if not path:
        return False
    try:
        form, warnings = added.add_form(store, Path(path))
    except FormError as error:
        box = QMessageBox(QMessageBox.Icon.Critical, tr("error.title"), error.message, parent=parent)
        box.setInformativeText(f"{error.hint}\n\n{tr('addform.problems')}")
        box.setDetailedText("\n".join(str(problem) for problem in error.problems))
        box.exec()
        return False
    except YingzaoError as error:
        error_dialog.show_error(parent, tr, error)
        return False
    box = QMessageBox(
        QMessageBox.Icon.Information,
        tr("addform.title"),
        tr("addform.done", title=form.title, version=form.version or "—"),
        parent=parent,
    )
    if warnings:
        box.setInformativeText(tr("addform.warnings", n=len(warnings)))
        box.setDetailedText("\n".join(str(warning) for warning in warnings))
    box.exec()
    return True
