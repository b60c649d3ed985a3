"""Kill the app mid-interview (SIGKILL, as a power cut would): the next launch offers to resume the
draft at the question where it stopped, with everything saved before intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import OPEN_INTERVIEW, MainWindow
from yingzao.ui.resume import offer_resume

ROOT = Path(__file__).resolve().parents[2]
TEXT = "片区综合党委由街道党工委班子成员任书记"

CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[2])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow
from tests.ui.typing import type_text

class Bot:  # the little of qtbot that type_text needs
    def keyClicks(self, widget, text):
        from PySide6.QtTest import QTest
        QTest.keyClicks(widget, text)

store = Store(sys.argv[1], user="王芳")
store.set_setting("user_name", "王芳")
library = load_library(store)
store.add_community("A", "A社区")
interview = store.start_interview(library.by_role("cadre")[0].sha256, community_id="A")
window = MainWindow(store, library, Translator("zh"))
window.show()
window.open_interview(interview)
view = window.interview_view
view.widgets["consent"].editor.buttons[0].click()
view.flush()
view.focus_question("cad_party_org")
type_text(Bot(), view.widgets["cad_party_org"].editor.box, sys.argv[3])
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    app.processEvents()
    answer = store.answer(interview, "cad_party_org")
    if answer is not None and answer.value == sys.argv[3]:
        break
print("SAVED", interview, flush=True)
type_text(Bot(), view.widgets["cad_party_org"].editor.box, "，还在打字")
while True:  # still typing when the power goes
    app.processEvents()
    time.sleep(0.01)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_interview_is_offered_for_resume_where_it_stopped(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "laptop.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(ROOT), TEXT],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        line = child.stdout.readline()
        if not line:  # the child ended before saving: say why
            child.wait(timeout=30)
        assert line.startswith("SAVED"), (child.returncode, child.stderr.read() if child.poll() is not None else line)
        interview = line.split()[1]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()

    store = Store(db)
    library = load_library(store)
    assert store.get_setting(OPEN_INTERVIEW) == interview  # the crash left the interview marked open
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    window.show()
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or QMessageBox.StandardButton.Yes)
    assert offer_resume(window, store, Translator("zh"), store.get_setting(OPEN_INTERVIEW))
    assert "社区干部访谈提纲" in asked[0] and "A社区" in asked[0]
    assert "最后一两秒输入的文字可能没有保存" in asked[0]  # honest about typing just before the kill
    view = window.interview_view
    assert view is not None
    assert view.sections[view.stack.currentIndex()].name == "community_organisation"
    assert view.widgets["cad_party_org"].editor.value().startswith(TEXT)
    assert store.answer(interview, "consent").value == "yes"
    window.close_interview()
    assert store.get_setting(OPEN_INTERVIEW) == ""
    store.close()


def test_no_offer_when_the_app_was_closed_normally(qtbot, library_store, monkeypatch):
    store, library = library_store
    interview = store.start_interview(library.by_role("official")[0].sha256)
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    window.open_interview(interview)
    window.close()
    assert store.get_setting(OPEN_INTERVIEW) == ""
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("nothing to resume"))
    assert not offer_resume(window, store, Translator("zh"), store.get_setting(OPEN_INTERVIEW) or "")
