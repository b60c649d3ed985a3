"""An interview whose merged protocol holds an expression that cannot be read still opens in review,
with the problem named (issue 10, point 12)."""

from __future__ import annotations

import json

import pytest

from yingzao.core.exchange.merge import merge_packages
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator
from yingzao.ui.review_view import ReviewView

from tests.laptops import Laptop, laptop_template  # noqa: F401  (fixture)

TOO_DEEP = "(" * 150 + "1" + ")" * 150


@pytest.fixture(autouse=True)
def _no_error_dialogs(monkeypatch):
    shown = []
    monkeypatch.setattr("yingzao.ui.error_dialog.show_error", lambda parent, tr, error: shown.append(str(error)))
    return shown


def test_an_unreadable_condition_is_named_and_the_rest_of_the_interview_shows(
    qtbot,
    laptop_template,  # noqa: F811 - the fixture imported above
    tmp_path,
    _no_error_dialogs,
):
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    interview_id = wang.interview(answers=2)
    wang.store.save_answer(interview_id, "consent", "yes")  # the questions after it then show
    wang.store.finalize(interview_id)
    hostile, plain = wang.texts[0], wang.texts[1]
    with Store(tmp_path / "master.db", user="李督导") as master:
        master.set_setting("user_role", "supervisor")
        assert merge_packages(master, [wang.pack(tmp_path / "s.yzpack")]).packages[0].status == "merged"
        # a master that merged a poisoned definition before definitions were checked against workbooks
        definition = json.loads(
            master.conn.execute(
                "SELECT definition FROM protocols WHERE sha256 = ?", (wang.protocol.sha256,)
            ).fetchone()[0]
        )
        for question in definition["questions"]:
            if question["name"] == hostile:
                question["relevant"] = [TOO_DEEP]
        with master.transaction():
            master.conn.execute(
                "UPDATE protocols SET definition = ? WHERE sha256 = ?",
                (json.dumps(definition, ensure_ascii=False), wang.protocol.sha256),
            )
    wang.close()

    with Store(tmp_path / "master.db") as store:
        view = ReviewView(store, load_library(store), Translator("en"))
        qtbot.addWidget(view)
        view.show()
        try:
            page = view.open_interview(interview_id)
            assert page is not None and _no_error_dialogs == []
            assert page.notice.isVisibleTo(page)
            assert "conditions that cannot be read" in page.notice.text() and hostile in page.notice.text()
            assert "nested too deeply" in page.notice.text()
            for name, value in ((hostile, "回答0"), (plain, "回答1")):
                assert page.cards[name].isVisibleTo(page)
                assert page.cards[name].findChild(type(page.notice), "answer").text() == value
        finally:
            view.shutdown()
