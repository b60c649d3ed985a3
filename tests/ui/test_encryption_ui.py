"""Encrypted databases in the app: the passphrase asked for at start-up (wrong ones said, as often as
needed; Cancel quits cleanly; the keychain's passphrase tried first), and File → Encrypt this
database… converting the open database and opening it again, encrypted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from yingzao.core import keychain
from yingzao.core.forms.library import load_library
from yingzao.core.store import driver, encryption, unlocked
from yingzao.core.store.database import Store
from yingzao.ui import app
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow
from yingzao.ui.passphrase_dialog import EncryptDialog, UnlockDialog

pytestmark = pytest.mark.skipif(not driver.ENCRYPTION, reason="SQLCipher (sqlcipher3-wheels) is not installed")

PASSPHRASE = "cunweihui menqian you san ke liushu"  # a passphrase box takes no input method


@pytest.fixture(autouse=True)
def _no_keys_left():
    unlocked.forget_all()
    yield
    unlocked.forget_all()


def _database(path, passphrase):
    """A database with one interview and its user's name, as a laptop in use has it."""
    with Store(path, user="王芳", passphrase=passphrase) as store:
        store.set_setting("user_name", "王芳")
        store.start_interview(load_library(store).by_role("cadre")[0].sha256)
    unlocked.forget_all()
    return path


def _run_app(path) -> tuple[int, dict]:
    """Start the app on `path`; once its window has its list, note the window's store and close it."""
    seen: dict[str, object] = {}

    def watch() -> None:
        window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)
        if window is not None and window.store is not None and window.home.model.rowCount() == 1:
            seen["store"] = window.store
            seen["menu"] = window.encrypt_action.text()
            window.close()
            return
        if "ended" not in seen:
            QTimer.singleShot(5, watch)

    QTimer.singleShot(0, watch)
    qapp = QApplication.instance()
    font = qapp.font()
    try:
        code = app.run(path)
    finally:
        seen["ended"] = True
        qapp.setFont(font)  # run() gives the app its Chinese fallback font: the next tests measure text
    return code, seen


def test_start_up_asks_for_the_passphrase_says_a_wrong_one_and_opens_with_the_right_one(qtbot, tmp_path, monkeypatch):
    path = _database(tmp_path / "field.db", PASSPHRASE)
    asked: list[dict] = []

    def answer(dialog: UnlockDialog):
        asked.append(
            {"text": dialog.explanation.text(), "problem": not dialog.problem.isHidden() and dialog.problem.text()}
        )
        dialog.passphrase_edit.clear()
        qtbot.keyClicks(dialog.passphrase_edit, "a wrong guess" if len(asked) < 3 else PASSPHRASE)
        dialog.open_button.click()
        return dialog.result()

    monkeypatch.setattr(UnlockDialog, "exec", answer)
    code, seen = _run_app(path)
    assert code == 0 and len(asked) == 3  # two wrong tries, no lockout, then the right one
    assert "加密" in asked[0]["text"] and asked[0]["problem"] is False
    assert "口令不正确" in asked[1]["problem"] and "口令不正确" in asked[2]["problem"]
    assert seen["store"].encrypted and not seen["store"].is_open  # closed when the app ended
    assert seen["menu"] == "更改口令…"


def test_the_passphrase_dialog_speaks_the_language_chosen_last_on_this_computer(qtbot, tmp_path, monkeypatch):
    from yingzao.core import preferences

    path = _database(tmp_path / "field.db", PASSPHRASE)
    preferences.remember_language("en")  # as choosing English in the menu does, before the database was encrypted
    asked: list[str] = []

    def answer(dialog: UnlockDialog):
        asked.append(dialog.windowTitle() + " " + dialog.open_button.text())
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        dialog.open_button.click()
        return dialog.result()

    monkeypatch.setattr(UnlockDialog, "exec", answer)
    code, _seen = _run_app(path)
    assert code == 0 and len(asked) == 1
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in asked[0]), asked


def test_cancel_at_the_passphrase_quits_cleanly(qtbot, tmp_path, monkeypatch):
    path = _database(tmp_path / "field.db", PASSPHRASE)
    monkeypatch.setattr(UnlockDialog, "exec", lambda dialog: dialog.cancel_button.click() or dialog.result())
    code, seen = _run_app(path)
    assert code == 0 and "store" not in seen
    with Store(path, passphrase=PASSPHRASE) as store:  # nothing held, nothing changed
        assert store.get_setting("user_name") == "王芳"


def test_a_passphrase_kept_in_the_keychain_opens_without_asking(qtbot, tmp_path, monkeypatch, memory_keychain):
    path = _database(tmp_path / "field.db", PASSPHRASE)
    keychain.remember(path, PASSPHRASE)
    monkeypatch.setattr(UnlockDialog, "exec", lambda dialog: pytest.fail("asked although the keychain has it"))
    code, seen = _run_app(path)
    assert code == 0 and seen["store"].encrypted


def test_a_wrong_passphrase_in_the_keychain_is_forgotten_and_the_user_asked(
    qtbot, tmp_path, monkeypatch, memory_keychain
):
    path = _database(tmp_path / "field.db", PASSPHRASE)
    keychain.remember(path, "an old passphrase")
    asked = []

    def answer(dialog: UnlockDialog):
        asked.append(dialog)
        assert dialog.remember_box.isEnabled()
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        dialog.remember_box.click()
        dialog.open_button.click()
        return dialog.result()

    monkeypatch.setattr(UnlockDialog, "exec", answer)
    code, seen = _run_app(path)
    assert code == 0 and len(asked) == 1 and seen["store"].encrypted
    assert keychain.remembered(path) == PASSPHRASE  # kept again, the right one this time


def test_a_file_that_is_no_database_is_not_called_encrypted_only(qtbot, tmp_path, monkeypatch):
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    asked = []
    monkeypatch.setattr(
        UnlockDialog, "exec", lambda dialog: asked.append(dialog.explanation.text()) or QDialog.DialogCode.Rejected
    )
    code, _seen = _run_app(junk)
    assert code == 0
    assert "不是营造的数据库" in asked[0] and "加密" in asked[0]
    assert junk.read_text() == "not a database"


def _window(qtbot, path):
    store = Store(path)
    library = load_library(store)
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 1, timeout=3000)
    return window


def _said(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: said.append(box.text() + "\n" + box.informativeText()) or 0)
    return said


def test_the_encrypt_menu_converts_the_open_database_and_opens_it_again(qtbot, tmp_path, monkeypatch):
    path = _database(tmp_path / "field.db", None)
    window = _window(qtbot, path)
    assert window.encrypt_action.text() == "加密此数据库…" and window.encrypt_action.isEnabled()
    said = _said(monkeypatch)
    states = []

    def choose(dialog: EncryptDialog):
        assert "忘记的口令无法找回" in dialog.warning.text() and "至少 8 个字符" in dialog.hint.text()
        qtbot.keyClicks(dialog.new_edit, "short")
        states.append(dialog.ok_button.isEnabled())  # too short
        dialog.new_edit.clear()
        qtbot.keyClicks(dialog.new_edit, PASSPHRASE)
        qtbot.keyClicks(dialog.confirm_edit, PASSPHRASE + "!")
        states.append(dialog.ok_button.isEnabled())  # the two differ
        dialog.confirm_edit.clear()
        qtbot.keyClicks(dialog.confirm_edit, PASSPHRASE)
        states.append(dialog.ok_button.isEnabled())
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(EncryptDialog, "exec", choose)
    window.file_menu.aboutToShow.emit()
    window.encrypt_action.trigger()
    assert states == [False, False, True]
    assert not window.menuBar().isEnabled()  # while the worker converts, the closed store is out of reach
    qtbot.waitUntil(lambda: bool(said), timeout=30_000)
    window._encryption_job.wait()
    assert window.menuBar().isEnabled()
    assert window.store.encrypted and window.store.is_open
    assert window.home.model.rowCount() == 1  # the same interview, in the encrypted file
    assert "已加密并核对" in said[-1]
    assert window.encrypt_action.text() == "更改口令…"
    window.store.close()
    unlocked.forget_all()
    assert encryption.is_encrypted(path)
    with Store(path, passphrase=PASSPHRASE) as store:
        assert store.get_setting("user_name") == "王芳"


def test_a_wrong_current_passphrase_changes_nothing_and_the_database_stays_open(qtbot, tmp_path, monkeypatch):
    path = _database(tmp_path / "field.db", PASSPHRASE)
    unlocked.remember(path, PASSPHRASE)  # as the start-up dialog left it
    window = _window(qtbot, path)
    said = _said(monkeypatch)

    def choose(dialog: EncryptDialog):
        qtbot.keyClicks(dialog.current_edit, "not this one")
        qtbot.keyClicks(dialog.new_edit, "a brand new passphrase")
        qtbot.keyClicks(dialog.confirm_edit, "a brand new passphrase")
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(EncryptDialog, "exec", choose)
    window.encrypt_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=30_000)
    window._encryption_job.wait()
    assert "口令不正确" in said[-1]
    assert window.store.is_open and window.store.encrypted and window.home.model.rowCount() == 1
    window.store.close()
    unlocked.forget_all()
    with Store(path, passphrase=PASSPHRASE) as store:  # the old passphrase still opens it
        assert store.encrypted
