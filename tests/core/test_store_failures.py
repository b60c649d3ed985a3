"""When the disk cannot be written, or another connection changed an interview, nothing half-applies."""

from __future__ import annotations

import pytest

from yingzao.core.errors import StoreError
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.store.database import Store

# these tests read the errors' English text
pytestmark = pytest.mark.usefixtures("english_errors")


def test_a_failed_write_is_a_clear_error_and_writes_nothing(library_store):
    store, library = library_store
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    store.save_answer(interview, "cad_formation", "第一稿")
    store.conn.execute("PRAGMA query_only = ON")  # as a read-only file or a pulled drive would
    with pytest.raises(StoreError, match="Could not save to .*Nothing of this change was written"):
        store.save_answer(interview, "cad_formation", "第二稿")
    store.conn.execute("PRAGMA query_only = OFF")
    assert store.answer(interview, "cad_formation").value == "第一稿"
    assert [e.new for e in store.audit_log(interview) if e.question == "cad_formation"] == ["第一稿"]


def test_a_status_changed_by_another_connection_is_respected(library_store):
    store, library = library_store
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    store.save_answer(interview, "cad_formation", "草稿")  # caches the interview as a draft
    with Store(store.path) as other:  # a second window, or a merge from the command line
        other.finalize(interview)
    with pytest.raises(StoreError, match="can no longer be edited"):
        store.save_answer(interview, "cad_formation", "改动")
    assert store.answer(interview, "cad_formation").value == "草稿"


def test_a_protocol_added_in_a_rolled_back_job_is_not_remembered(library_store):
    store, library = library_store
    protocol = library.by_role("cadre")[0]
    store.conn.execute("DELETE FROM protocols WHERE sha256 NOT IN (SELECT protocol_sha256 FROM interviews)")
    store._protocols.clear()
    with pytest.raises(RuntimeError), store.transaction():
        store.add_protocol(protocol)
        raise RuntimeError("the merge was cancelled")
    assert not store.has_protocol(protocol.sha256)


def test_an_interview_taken_on_another_device_is_read_only_here(library_store):
    store, library = library_store
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    assert InterviewSession(store, interview).editable
    store.conn.execute("UPDATE interviews SET device_id = 'laptop-2' WHERE id = ?", (interview,))
    session = InterviewSession(store, interview)
    assert not session.editable and session.taken_elsewhere


def test_an_unwritable_folder_is_named_not_called_a_damaged_file(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot be opened") as caught:
        Store(blocker / "sub" / "study.db")
    assert "drive is connected" in caught.value.hint
