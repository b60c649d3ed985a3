"""A team's own XLSForms added to a database (core/forms/added.py): checked as check-form does, offered
for new interviews beside the study's protocols, replaced by a newer version, removed without touching
the interviews taken with them; and the `forms` command."""

from __future__ import annotations

import openpyxl
import pytest

from yingzao import main
from yingzao.core.errors import FormError, StoreError
from yingzao.core.forms import added
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store

from tests.core.test_odk_forms import KOBO
from tests.core.test_repeats import ORGS
from tests.forms import write_xlsform

pytestmark = pytest.mark.usefixtures("english_errors")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "team.db", user="李娜") as store:
        load_library(store)
        yield store


def _offered(store: Store) -> dict[str, str]:
    return {p.form_id: p.version for p in load_library(store).protocols}


def test_a_teams_form_is_offered_beside_the_studys_and_taken_interviews_keep_their_version(store, tmp_path):
    shipped = _offered(store)
    form, warnings = added.add_form(store, write_xlsform(tmp_path / "kobo.xlsx", KOBO))
    assert (form.form_id, form.version) == ("kobo_form", "3")
    assert any("public_key" in str(w) for w in warnings)  # what ODK ignores is said, not refused
    assert _offered(store) == {**shipped, "kobo_form": "3"}
    interview = store.start_interview(form.sha256)
    # a newer version of the same form replaces the one offered; the interview keeps its own
    newer = write_xlsform(tmp_path / "kobo.xlsx", KOBO.replace("| kobo_form | 3 |", "| kobo_form | 4 |"))
    form4, _ = added.add_form(store, newer)
    assert _offered(store)["kobo_form"] == "4" and [f.version for f in added.added_forms(store)] == ["4"]
    assert store.interview(interview).protocol_sha256 == form.sha256
    # a second form is offered too, in the order added
    orgs, _ = added.add_form(store, write_xlsform(tmp_path / "orgs.xlsx", ORGS))
    assert [f.form_id for f in added.added_forms(store)] == ["kobo_form", "orgs_form"]
    session = InterviewSession(store, store.start_interview(orgs.sha256))
    entry = session.add_instance("orgs")
    session.type_value(f"org_name#{entry}", "居民议事会")
    # removed: no longer offered; its interviews are still there and still read
    assert added.remove_form(store, "orgs_form") and not added.remove_form(store, "orgs_form")
    assert "orgs_form" not in _offered(store)
    assert InterviewSession(store, session.id, read_only=True).value(f"org_name#{entry}") == "居民议事会"
    assert form4.sha256 != form.sha256


def test_a_form_with_a_shipped_form_id_replaces_that_protocol(store, tmp_path):
    official = next(p for p in load_library(store).protocols if p.role == "official")
    md = ORGS.replace("| orgs_form | 1 | 中文 (zh) |", f"| {official.form_id} | team-1 | 中文 (zh) |")
    added.add_form(store, write_xlsform(tmp_path / "ours.xlsx", md))
    assert _offered(store)[official.form_id] == "team-1"


def test_a_form_that_does_not_load_lists_its_problems_and_changes_nothing(store, tmp_path):
    md = KOBO.replace("| | text | who |", "| | geopoint | where |")
    before = store.get_setting(added.ADDED_PROTOCOLS)
    with pytest.raises(FormError) as refused:
        added.add_form(store, write_xlsform(tmp_path / "bad.xlsx", md))
    assert any("records no location" in str(p) for p in refused.value.problems)
    assert store.get_setting(added.ADDED_PROTOCOLS) == before and added.added_forms(store) == []


def test_a_damaged_list_of_added_forms_offers_none_rather_than_failing(store, tmp_path):
    added.add_form(store, write_xlsform(tmp_path / "orgs.xlsx", ORGS))
    for damaged in ("not json", '{"a": 1}', '["no-such-hash", 3]'):
        store.set_setting(added.ADDED_PROTOCOLS, damaged)
        assert added.added_forms(store) == [] and "orgs_form" not in _offered(store)


def test_a_read_only_database_takes_no_form(tmp_path):
    path = tmp_path / "team.db"
    Store(path).close()
    with Store(path, read_only=True) as store, pytest.raises(StoreError):
        added.add_form(store, write_xlsform(tmp_path / "orgs.xlsx", ORGS))


def test_the_forms_command_adds_lists_and_removes(tmp_path, capsys):
    db = str(tmp_path / "team.db")
    good = write_xlsform(tmp_path / "orgs.xlsx", ORGS)
    bad = write_xlsform(tmp_path / "bad.xlsx", KOBO.replace("| | text | who |", "| | geopoint | where |"))
    assert main.main(["--lang", "en", "forms", "add", str(good), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "repeat:    orgs" in out and "added: new interviews can use" in out
    assert main.main(["--lang", "en", "forms", "add", str(bad), "--db", db]) == 2
    assert f"{bad}:survey:" in capsys.readouterr().err
    assert main.main(["--lang", "en", "forms", "list", "--db", db]) == 0
    assert capsys.readouterr().out.startswith("orgs_form\t1\t")
    assert main.main(["--lang", "en", "forms", "remove", "orgs_form", "--db", db]) == 0
    assert main.main(["--lang", "en", "forms", "remove", "orgs_form", "--db", db]) == 2
    assert "No form with id orgs_form was added" in capsys.readouterr().err
    workbook = openpyxl.load_workbook(good)  # the workbook on disk is only read
    assert workbook["survey"].max_row > 1
