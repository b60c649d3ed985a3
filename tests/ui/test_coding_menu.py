"""Analysis → Code interviews… is for researchers and supervisors, and follows the language."""

from __future__ import annotations

import pytest

from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow


@pytest.mark.parametrize(("role", "shown"), [("fieldworker", False), ("researcher", True), ("supervisor", True)])
def test_only_researchers_and_supervisors_see_the_analysis_menu(qtbot, library_store, role, shown):
    store, library = library_store
    store.set_setting("user_role", role)
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    assert window.analysis_menu.menuAction().isVisible() is shown
    assert window.code_action.isVisible() is shown


def test_the_menu_opens_the_coding_page_and_back_returns_home(qtbot, library_store):
    store, library = library_store
    store.set_setting("user_role", "researcher")
    tr = Translator("zh")
    window = MainWindow(store, library, tr)
    qtbot.addWidget(window)
    window.code_action.trigger()
    assert window.stack.currentWidget() is window.coding_page
    tr.set_language("en")
    assert window.analysis_menu.title() == "&Analysis"
    assert window.code_action.text() == "Code interviews…"
    assert window.coding_page.title.text() == "Code interviews"
    window.coding_page.back_button.click()
    assert window.stack.currentWidget() is window.home
