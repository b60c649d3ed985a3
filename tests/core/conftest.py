"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def interview_db(library_store):
    """A closed database holding one cadre interview with one text answer: (path, interview id, question)."""
    store, library = library_store
    protocol = library.by_role("cadre")[0]
    interview = store.start_interview(protocol.sha256)
    text = next(q.name for q in protocol.questions if q.type == "text")
    store.save_answer(interview, text, "居民议事会每月开一次")
    path = store.path
    store.close()
    return path, interview, text
