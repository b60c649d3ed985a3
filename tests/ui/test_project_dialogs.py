"""The project screens as the researcher and a fieldworker click through them: making a project and
saving its files, joining from the project file (first launch too) with the fingerprints shown to
compare, a supervisor listed from a key card, and the export dialogs saying what they will seal."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from yingzao.core.security import membership
from yingzao.core.security.project import read_file
from yingzao.ui.first_run_dialog import IdentityDialog
from yingzao.ui.i18n import Translator
from yingzao.ui.join_project_dialog import JoinProjectDialog
from yingzao.ui.main_window import MainWindow
from yingzao.ui.pack_dialog import PackDialog
from yingzao.ui.project_dialogs import NewProjectDialog, ProjectDetailsDialog
from yingzao.ui.project_menu import SupervisorChoice
from yingzao.ui.project_passphrase_dialog import PassphraseDialog

from tests.laptops import PROJECT_PASSPHRASE, join, make_project
from tests.ui.clicks import click_button
from tests.ui.modal import answer_next, click_message_button
from tests.ui.typing import type_text

PASSPHRASE = "field-study 2026"


@pytest.fixture
def files(monkeypatch, tmp_path):
    """The file chooser, answered: `files.save` / `files.open` are the paths it returns next."""

    class Chooser:
        save = tmp_path / "chosen"
        open = tmp_path / "chosen"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(Chooser.save), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(Chooser.open), ""))
    return Chooser


@pytest.fixture(autouse=True)
def _no_error_dialogs(monkeypatch):
    shown = []
    monkeypatch.setattr("yingzao.ui.error_dialog.show_error", lambda parent, tr, error: shown.append(str(error)))
    return shown


def test_new_project_dialog_makes_a_project_and_writes_its_files(qtbot, master, files, tmp_path):
    tr = Translator("zh")
    dialog = NewProjectDialog(master, tr)
    qtbot.addWidget(dialog)
    assert not dialog.create_button.isEnabled()  # nothing typed yet
    type_text(qtbot, dialog.name_edit, "产业社区治理调研")
    type_text(qtbot, dialog.passphrase_edit, "short")
    type_text(qtbot, dialog.repeat_edit, "short")
    dialog.create_button.click()
    assert "至少需要 8 个字符" in dialog.error.text() and membership.project(master) is None
    dialog.passphrase_edit.clear()
    dialog.repeat_edit.clear()
    type_text(qtbot, dialog.passphrase_edit, PASSPHRASE)
    type_text(qtbot, dialog.repeat_edit, PASSPHRASE + "!")
    dialog.create_button.click()
    assert "不一致" in dialog.error.text() and membership.project(master) is None
    qtbot.keyClick(dialog.repeat_edit, Qt.Key.Key_Backspace)  # the stray "!" out
    assert dialog.encrypt_box.isChecked()  # laptops encrypt their databases unless the researcher says not
    click_button(qtbot, dialog.encrypt_box)
    dialog.create_button.click()

    project = membership.project(master)
    assert project is not None and project.name == "产业社区治理调研" and not project.encrypt_databases
    assert membership.is_supervisor(master) and membership.holds_project_keys(master)
    assert dialog.fingerprint.text() == project.fingerprint and "产业社区治理调研" in dialog.done_text.text()

    files.save = tmp_path / "study"  # the suffix is added
    dialog.save_project_button.click()
    saved = read_file((tmp_path / "study.yzproject").read_bytes())
    assert saved.fingerprint == project.fingerprint and saved.revision == 1
    files.save = tmp_path / "keys.yzkeys"
    dialog.save_keys_button.click()
    assert json.loads((tmp_path / "keys.yzkeys").read_bytes())["format"] == "yingzao-project-keys"
    assert "keys.yzkeys" in dialog.saved_label.text()
    dialog.show()
    dialog.close_button.click()  # the keys are backed up: no warning
    assert not dialog.isVisible()
    membership.lock(master)
    assert membership.unlock(master, PASSPHRASE).public == project.keys


def test_closing_without_a_backup_of_the_keys_warns_once(qtbot, master, files):
    tr = Translator("en")
    dialog = NewProjectDialog(master, tr)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.name_edit, "Study")
    type_text(qtbot, dialog.passphrase_edit, PASSPHRASE)
    type_text(qtbot, dialog.repeat_edit, PASSPHRASE)
    dialog.create_button.click()
    asked = click_message_button(tr("proj.keys_unsaved.later"))
    dialog.show()
    dialog.close_button.click()
    assert len(asked) == 1 and "no package can ever be opened again" in asked[0].text()
    assert not dialog.isVisible() and membership.project(master).name == "Study"


def test_join_dialog_joins_and_shows_both_fingerprints(qtbot, master, make_laptop, tmp_path):
    project_file = make_project(master)
    offered = read_file(project_file)
    laptop = make_laptop("wang", "王芳")
    tr = Translator("zh")
    dialog = JoinProjectDialog(laptop.store, tr, project_file, tmp_path / "study.yzproject")
    qtbot.addWidget(dialog)
    assert dialog.fingerprint.text() == offered.fingerprint
    assert dialog.join_button.text() == "指纹一致，加入" and not dialog.join_button.isDefault()
    dialog.join_button.click()
    assert membership.project(laptop.store).project_id == offered.project_id
    mine = membership.device_keys(laptop.store).public.fingerprint
    assert dialog.device_fingerprint.text() == mine and "产业社区治理调研" in dialog.done_text.text()
    assert not membership.is_supervisor(laptop.store)  # joining gives no review right
    assert not dialog.encrypt_note.isVisibleTo(dialog)  # this project does not ask for it

    details = ProjectDetailsDialog(laptop.store, tr)
    qtbot.addWidget(details)
    assert details.fingerprint.text() == offered.fingerprint and details.device_fingerprint.text() == mine
    assert "没有督导密钥" in details.rights.text() and "没有项目密钥" in details.rights.text()
    assert offered.supervisors[0].keys.fingerprint in details.supervisors.text()


def test_first_launch_offers_the_project_file(qtbot, master, make_laptop, files, tmp_path):
    project_file = make_project(master, encrypt_databases=True)
    files.open = tmp_path / "study.yzproject"
    files.open.write_bytes(project_file)
    laptop = make_laptop("li", "")
    laptop.store.set_setting("user_name", "")
    tr = Translator("zh")
    dialog = IdentityDialog(laptop.store, tr)
    qtbot.addWidget(dialog)
    assert not dialog.project_button.isHidden()

    def join_and_close(join_dialog):
        join_dialog.join_button.click()
        notes.append(join_dialog.encrypt_note.isVisibleTo(join_dialog))
        join_dialog.close_button.click()

    notes = []

    answered = answer_next(join_and_close, kind=JoinProjectDialog)
    assert dialog.join_project()
    assert len(answered) == 1 and membership.project(laptop.store).name == "产业社区治理调研"
    assert notes == [True]  # the project asks laptops to encrypt their databases: said on joining
    assert "已加入项目" in dialog.project_hint.text() and not dialog.project_button.isEnabled()


def test_a_forged_project_file_is_refused_before_anything_is_shown(
    qtbot, master, make_laptop, files, tmp_path, monkeypatch, _no_error_dialogs
):
    project_file = make_project(master).replace("产业社区".encode(), "工业社区".encode())
    files.open = tmp_path / "forged.yzproject"
    files.open.write_bytes(project_file)
    laptop = make_laptop("zhao")
    window = MainWindow(laptop.store, None, Translator("zh"))
    qtbot.addWidget(window)
    window._project_menu_opening()
    monkeypatch.setattr(JoinProjectDialog, "exec", lambda dialog: pytest.fail("a forged file is not shown"))
    window._project_actions.actions["join"].trigger()
    assert membership.project(laptop.store) is None and "签名不符" in _no_error_dialogs[0]


def test_the_project_menu_offers_what_fits_and_lists_a_supervisor_from_a_key_card(
    qtbot, master, make_laptop, files, tmp_path
):
    tr = Translator("zh")
    window = MainWindow(master, None, tr)
    qtbot.addWidget(window)
    window._project_menu_opening()
    menu = window._project_actions
    visible = lambda: {name for name, action in menu.actions.items() if action.isVisible()}  # noqa: E731
    assert visible() == {"details", "new", "join", "key_card"}
    project_file = make_project(master)
    menu.refresh()
    assert {"add_supervisor", "remove_supervisor", "export_keys", "update", "save_project"} <= visible()
    assert "new" not in visible() and "join" not in visible() and "import_keys" not in visible()

    # the supervisor's laptop: joins, makes its key card (its menu offers no supervisor steps)
    li = make_laptop("li", "李督导")
    join(li.store, project_file)
    card = membership.key_card(li.store)
    files.open = tmp_path / "li.yzkey"
    files.open.write_bytes(card)

    # the researcher adds it, after comparing the fingerprint and giving the passphrase
    li_fingerprint = membership.device_keys(li.store).public.fingerprint
    checked = click_message_button("指纹一致，添加")
    membership.lock(master)

    def passphrase(dialog):
        type_text(qtbot, dialog.field, "wrong passphrase")
        dialog.ok_button.click()
        assert dialog.isVisible() and "项目口令不正确" in dialog.error.text()
        type_text(qtbot, dialog.field, PROJECT_PASSPHRASE)
        dialog.ok_button.click()
        click_message_button("确定")  # "revision 2 is made: save it"; then the file chooser

    answered = answer_next(passphrase, kind=PassphraseDialog)
    files.save = tmp_path / "study-2.yzproject"
    menu.actions["add_supervisor"].trigger()
    assert len(checked) == 1 and li_fingerprint in checked[0].text() and len(answered) == 1
    revision = read_file((tmp_path / "study-2.yzproject").read_bytes())
    assert revision.revision == 2 and [s.name for s in revision.supervisors] == ["研究者", "李督导"]

    # the supervisor opens the new project file: review rights come with it
    assert not membership.is_supervisor(li.store)
    dialog = JoinProjectDialog(li.store, tr, (tmp_path / "study-2.yzproject").read_bytes(), tmp_path / "x")
    qtbot.addWidget(dialog)
    assert dialog.join_button.text() == "采用新版本"
    dialog.join_button.click()
    assert membership.is_supervisor(li.store) and dialog.supervisor_text.isVisibleTo(dialog)


def test_the_pack_dialog_says_whether_the_package_is_sealed(qtbot, master, make_laptop):
    tr = Translator("zh")
    alone = make_laptop("alone")
    dialog = PackDialog(alone.path, tr)
    qtbot.addWidget(dialog)
    assert "不签名、不加密" in dialog.sealing.text() and "加入项目" in dialog.sealing.text()

    joined = make_laptop("joined")
    join(joined.store, make_project(master))
    dialog = PackDialog(joined.path, tr)
    qtbot.addWidget(dialog)
    fingerprint = membership.device_keys(joined.store).public.fingerprint
    assert "产业社区治理调研" in dialog.sealing.text() and fingerprint in dialog.sealing.text()


def passphrase_answer(qtbot, text: str):
    def answer(dialog):
        type_text(qtbot, dialog.field, text)
        dialog.ok_button.click()

    return answer


def test_the_project_keys_go_to_a_second_database_still_under_the_passphrase(
    qtbot, master, make_laptop, files, tmp_path
):
    tr = Translator("zh")
    project_file = make_project(master)
    window = MainWindow(master, None, tr)
    qtbot.addWidget(window)
    window._project_menu_opening()
    files.save = tmp_path / "backup.yzkeys"
    told = click_message_button("确定")  # "the file is still under the passphrase: keep it safe"
    window._project_actions.actions["export_keys"].trigger()
    assert len(told) == 1 and (tmp_path / "backup.yzkeys").exists()

    second = make_laptop("second", "研究助理")
    join(second.store, project_file)
    other = MainWindow(second.store, None, tr)
    qtbot.addWidget(other)
    other._project_menu_opening()
    menu = other._project_actions
    assert menu.actions["import_keys"].isVisible() and not menu.actions["add_supervisor"].isVisible()
    files.open = tmp_path / "backup.yzkeys"
    answered = answer_next(passphrase_answer(qtbot, PROJECT_PASSPHRASE), kind=PassphraseDialog)
    done = click_message_button("确定")
    menu.actions["import_keys"].trigger()
    assert len(answered) == 1 and len(done) == 1 and "项目密钥已导入" in done[0].text()
    assert membership.holds_project_keys(second.store)
    menu.refresh()
    assert menu.actions["add_supervisor"].isVisible() and not menu.actions["import_keys"].isVisible()


def test_a_supervisor_is_removed_in_a_new_revision(qtbot, master, make_laptop, files, tmp_path):
    tr = Translator("zh")
    make_project(master)
    li = make_laptop("li", "李督导")
    li_keys = membership.device_keys(li.store).public
    membership.add_supervisor(master, PROJECT_PASSPHRASE, "李督导", li_keys)
    membership.lock(master)
    window = MainWindow(master, None, tr)
    qtbot.addWidget(window)
    window._project_menu_opening()

    def choose_li(dialog):
        dialog.box.setCurrentIndex(dialog.box.findData(li_keys.fingerprint))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    chosen = answer_next(choose_li, kind=SupervisorChoice)
    answered = answer_next(passphrase_answer(qtbot, PROJECT_PASSPHRASE), kind=PassphraseDialog)
    told = click_message_button("确定")
    files.save = tmp_path / "study-3.yzproject"
    window._project_actions.actions["remove_supervisor"].trigger()
    assert (len(chosen), len(answered), len(told)) == (1, 1, 1) and "第 3 版" in told[0].text()
    revision = read_file((tmp_path / "study-3.yzproject").read_bytes())
    assert revision.revision == 3 and [s.name for s in revision.supervisors] == ["研究者"]


def test_protocol_updates_are_published_in_a_new_revision_and_used_at_once(qtbot, master, files, tmp_path):
    import openpyxl

    from yingzao.core import paths
    from yingzao.core.forms.library import load_library
    from yingzao.core.forms.loader import load_protocol_workbook

    library = load_library(master)
    make_project(master)
    tr = Translator("zh")
    window = MainWindow(master, library, tr)
    qtbot.addWidget(window)
    window._project_menu_opening()
    menu = window._project_actions
    menu.refresh()
    assert menu.actions["publish"].isVisible()
    told = click_message_button("确定")
    menu.actions["publish"].trigger()  # nothing revised yet: says so, asks no passphrase
    assert len(told) == 1 and "没有需要发布的更新" in told[0].text()

    official = next(p for p in library.protocols if p.role == "official")
    book = openpyxl.load_workbook(paths.FORMS_DIR / official.source_name)
    header = [cell.value for cell in book["settings"][1]]
    book["settings"].cell(row=2, column=header.index("version") + 1, value="2026.11-revised")
    book.save(tmp_path / official.source_name)
    revised, workbook = load_protocol_workbook(tmp_path / official.source_name, library.codebook)
    master.add_protocol(revised, workbook)  # as the library does when the workbook in forms/ changed

    def passphrase(dialog):
        type_text(qtbot, dialog.field, PROJECT_PASSPHRASE)
        dialog.ok_button.click()
        click_message_button("确定")  # "revision 2 is made: save it"; then the file chooser

    membership.lock(master)
    answered = answer_next(passphrase, kind=PassphraseDialog)
    files.save = tmp_path / "study-2.yzproject"
    menu.actions["publish"].trigger()
    assert len(answered) == 1
    carried = read_file((tmp_path / "study-2.yzproject").read_bytes())
    assert carried.revision == 2
    assert {p["form_id"]: p["version"] for p in carried.protocols}[official.form_id] == "2026.11-revised"
    # the window's new interviews use it now, without a restart
    assert next(p for p in window.library.protocols if p.form_id == official.form_id).version == "2026.11-revised"
