"""What the app reads at start-up, cheaply: the last language before the store is opened, the home
list in one lean query, and a plain app start without the subcommands' parser."""

from __future__ import annotations

import pytest

from yingzao import main
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.core.store.records import ListedInterview
from yingzao.core.store.settings import stored_setting


def test_the_last_language_is_read_before_the_store_opens(tmp_path):
    path = tmp_path / "field.db"
    assert stored_setting(path, "ui_language") is None  # no file yet: nothing made either
    assert not path.exists()
    with Store(path, user="王芳") as store:
        assert stored_setting(path, "ui_language") is None  # a new database has no choice yet
        store.set_setting("ui_language", "en")
    assert stored_setting(path, "ui_language") == "en"
    with Store(path) as store:  # the read left nothing behind: the writer claim is still free
        assert store.get_setting("ui_language") == "en"


def test_a_file_that_is_not_a_database_has_no_stored_language(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    assert stored_setting(junk, "ui_language") is None
    assert stored_setting(tmp_path, "ui_language") is None  # a folder


def test_the_home_list_reads_what_it_shows_in_its_order(tmp_path):
    ticks = iter(range(1, 1000))

    def clock() -> str:  # every change a second after the last
        tick = next(ticks)
        return f"2026-03-05T08:{tick // 60:02d}:{tick % 60:02d}.000Z"

    with Store(tmp_path / "field.db", user="王芳", clock=clock) as store:
        sha = load_library(store).by_role("cadre")[0].sha256
        done, sent_back, draft, approved = (store.start_interview(sha) for _ in range(4))
        store.finalize(done)
        store.finalize(sent_back)
        store.set_status(sent_back, "rejected")
        store.finalize(approved)
        store.set_status(approved, "approved")
        listed = store.listed_interviews()
        assert [i.id for i in listed] == [sent_back, draft, approved, done]  # to work on first, newest first
        full = {i.id: i for i in store.interviews()}
        for row in listed:
            assert row == ListedInterview(*(getattr(full[row.id], name) for name in ListedInterview._fields))


def test_the_first_rows_of_the_home_list_are_the_first_rows_of_the_whole_list(tmp_path):
    """The first rows come from each status's index; they must be exactly the head of the full
    list, same-time changes (a merge writes many) in the order the interviews were stored."""
    stamps = iter([f"2026-03-05T08:00:{n // 3:02d}.000Z" for n in range(300)])  # three changes a second

    with Store(tmp_path / "field.db", user="王芳", clock=lambda: next(stamps)) as store:
        sha = load_library(store).by_role("cadre")[0].sha256
        ids = [store.start_interview(sha) for _ in range(24)]
        for n, interview in enumerate(ids):
            if n % 3:
                store.finalize(interview)
            if n % 5 == 0:
                store.set_status(interview, "rejected" if n % 2 else "approved")
        whole = store.listed_interviews()
        assert len(whole) == 24 and len({i.updated_at for i in whole}) < 24  # ties to order
        for limit in (0, 1, 2, 5, 9, 15, 24, 30):
            assert store.listed_interviews(limit=limit) == whole[:limit], limit


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "a.db"],
        ["--db=a.db"],
        ["--lang", "en"],
        ["--lang=zh", "--db", "x/y.db"],
        ["--db", "a", "--lang", "en"],
    ],
)
def test_a_plain_app_start_is_read_as_the_full_parser_reads_it(argv):
    fast = main._app_arguments(argv)
    full = main._parser().parse_args(argv)
    assert fast is not None
    assert (fast.db, fast.lang, fast.command) == (full.db, full.lang, full.command)


@pytest.mark.parametrize(
    "argv",
    [["--lang", "fr"], ["--db"], ["--db", "a", "--db", "b"], ["export", "--out", "a.xlsx"], ["--help"], ["--db", ""]],
)
def test_anything_else_goes_to_the_full_parser(argv):
    assert main._app_arguments(argv) is None
