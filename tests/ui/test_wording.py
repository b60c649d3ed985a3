"""Words and numbers the fieldworker reads: one name for packages, question numbers without gaps,
radio buttons for short choice lists, and a community profile that is filled, not interviewed."""

from __future__ import annotations

import re

from yingzao.core.forms.engine import question_numbers
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow
from yingzao.ui.merge_dialog import MergeDialog


def test_packages_have_one_name_in_menus_and_dialogs(qtbot, library_store, tmp_path):
    store, library = library_store
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    assert window.pack_action.text() == "导出数据包…" and window.merge_action.text() == "合并数据包…"
    dialog = MergeDialog(tmp_path / "m.db", Translator("zh"))
    qtbot.addWidget(dialog)
    intro = dialog.findChildren(type(dialog.status))[0].text()
    assert "数据包" in intro and "会话包" not in intro and "督导发回的审核结果" in intro  # a review package too
    assert window.interview_view is None


def test_question_numbers_run_without_gaps_and_follow_ups_take_a_letter(library_store):
    _, library = library_store
    for protocol in library.protocols:
        numbers = question_numbers(protocol)
        for s_index, section in enumerate(protocol.sections, start=1):
            main = [numbers[n] for n in section.questions if n in numbers and not numbers[n][-1].isalpha()]
            assert main == [f"{s_index}.{i}" for i in range(1, len(main) + 1)], (protocol.role, section.name)
    cadre = question_numbers(library.by_role("cadre")[0])
    assert re.fullmatch(r"2\.\d+a", cadre["resp_case_other"])  # "其他，请说明" follows its question
    assert cadre["resp_case_other"].startswith(cadre["resp_case"])


def test_a_three_choice_question_is_radio_buttons(qtbot, library_store):
    from yingzao.ui.editors import SelectOneEditor

    _store, library = library_store
    protocol = library.by_role("cadre")[0]
    editor = SelectOneEditor(protocol, protocol.question("resp_gender"), "zh")
    qtbot.addWidget(editor)
    assert not editor.use_combo and len(editor.buttons) == 3


def test_a_new_profile_is_filled_with_its_community_and_finished_not_interviewed(qtbot, library_store):
    store, library = library_store
    store.add_community("C", "C社区")
    interview = store.start_interview(library.by_role("profile")[0].sha256, community_id="C")
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    window.show()
    window.open_interview(interview)
    view = window.interview_view
    assert store.answer(interview, "case_letter").value == "C"
    assert store.answer(interview, "case_name").value == "C社区"
    assert view.finalise_button.text() == "完成填写…"
    window.close_interview()


def test_the_quality_flag_status_follows_a_language_switch(qtbot, library_store):
    from yingzao.ui.review_view import ReviewView

    store, library = library_store
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    store.finalize(interview)
    tr = Translator("zh")
    view = ReviewView(store, library, tr)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.flag_job is None, timeout=20_000)
    assert view.flags_label.text() == "质量提示已是最新。"
    tr.set_language("en")
    assert view.flags_label.text() == "Quality flags are up to date."
    view.shutdown()
