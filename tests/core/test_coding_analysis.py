"""Matrix queries and coder comparison over researchers' codings."""

from __future__ import annotations

import pytest

from yingzao.core.coding import codebook as cb
from yingzao.core.coding import codings, compare, matrix
from yingzao.core.coding.codings import Span

TEN = "一二三四五六七八九十"


@pytest.fixture
def two_communities(library_store):
    store, library = library_store
    cadre = library.by_role("cadre")[0]
    profile = library.by_role("profile")[0]
    question = next(q.name for q in cadre.questions if q.type == "text")
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    ids = {}
    for key, community in (("A1", "A"), ("A2", "A"), ("B1", "B")):
        ids[key] = store.start_interview(cadre.sha256, community_id=community)
        store.save_answer(ids[key], question, TEN)
    mode = next(q for q in profile.questions if q.name == "construction_mode")
    for community, value in (("A", mode_choice(profile, mode, 0)), ("B", mode_choice(profile, mode, 1))):
        pid = store.start_interview(profile.sha256, community_id=community)
        store.save_answer(pid, mode.name, value)
    return store, cb.research_codebook(store, library.codebook), ids, question


def mode_choice(profile, question, n):
    return profile.choices[question.list_name][n].name


def test_the_matrix_counts_interviews_with_evidence_and_codings(two_communities):
    store, book, ids, q = two_communities
    for key, start in (("A1", 0), ("A1", 5), ("A2", 0)):
        codings.apply_code(store, book, Span(ids[key], q, "answer", start, start + 2), "ACT.MARKET")
    codings.apply_code(store, book, Span(ids["B1"], q, "answer", 0, 3), "ACT.RESIDENT")
    codings.apply_code(store, book, Span(ids["B1"], q, "answer", 0, 3), "SCN.SERVICE.HOUSING")
    result = matrix.matrix_query(store, book, ["ACT.MARKET", "ACT.RESIDENT", "SCN.SERVICE"], "community")
    assert result.columns == ["A", "B"]
    assert result.cell("ACT.MARKET", "A") == (2, 3)
    assert result.cell("ACT.MARKET", "B") == (0, 0)
    assert result.cell("ACT.RESIDENT", "B") == (1, 1)
    assert result.cell("SCN.SERVICE", "B") == (1, 1)  # a goal rolls up into its scene
    flat = matrix.matrix_query(store, book, ["SCN.SERVICE"], "community", roll_up=False)
    assert flat.cell("SCN.SERVICE", "B") == (0, 0)
    behind = matrix.segments(store, book, "ACT.MARKET", "community", "A")
    assert [(s.interview_id, s.start) for s in behind] == sorted([(ids["A1"], 0), (ids["A1"], 5), (ids["A2"], 0)])
    by_role = matrix.matrix_query(store, book, ["ACT.MARKET"], "role")
    assert by_role.cell("ACT.MARKET", "cadre") == (2, 3)
    by_mode = matrix.matrix_query(store, book, ["ACT.MARKET", "ACT.RESIDENT"], "profile:construction_mode")
    modes = sorted(by_mode.columns)
    assert len(modes) == 2
    assert sum(by_mode.cell("ACT.MARKET", m)[0] for m in modes) == 2
    assert sum(by_mode.cell("ACT.RESIDENT", m)[0] for m in modes) == 1


def test_coder_comparison_matches_a_hand_computed_example(two_communities):
    store, book, ids, q = two_communities
    interview = ids["B1"]
    store.user = "甲"
    codings.apply_code(store, book, Span(interview, q, "answer", 0, 6), "ACT.RESIDENT")
    store.user = "乙"
    codings.apply_code(store, book, Span(interview, q, "answer", 2, 8), "ACT.RESIDENT")
    codings.apply_code(store, book, Span(interview, q, "answer", 0, 10), "DIM.SUBJECT")
    result = compare.compare_coders(store, book, "甲", "乙")
    assert result.interviews == [interview] and result.characters == 10
    resident = next(c for c in result.codes if c.code == "ACT.RESIDENT")
    # a = 4 (三四五六), b = 2 (一二), c = 2 (七八), d = 2 (九十)
    assert (resident.both, resident.only_a, resident.only_b, resident.neither) == (4, 2, 2, 2)
    assert resident.agreement == pytest.approx(0.6)
    # expected = (6·6 + 4·4) / 100 = 0.52; kappa = (0.6 − 0.52) / 0.48
    assert resident.kappa == pytest.approx(0.08 / 0.48)
    subject = next(c for c in result.codes if c.code == "DIM.SUBJECT")
    assert (subject.both, subject.only_b, subject.agreement, subject.kappa) == (0, 10, 0.0, 0.0)
    texts = {(d.code, d.coded_by, d.text) for d in result.disagreements}
    assert ("ACT.RESIDENT", "甲", "一二") in texts and ("ACT.RESIDENT", "乙", "七八") in texts
    assert set(compare.coders(store)) == {"甲", "乙"}


def test_identical_coding_is_perfect_agreement():
    same = compare.CodeAgreement("X", both=5, only_a=0, only_b=0, neither=5)
    assert same.agreement == 1.0 and same.kappa == 1.0
    nobody = compare.CodeAgreement("X", both=0, only_a=0, only_b=0, neither=10)
    assert nobody.kappa == 1.0


def test_interval_helpers():
    assert compare.merged([(5, 8), (0, 3), (2, 4), (8, 9)]) == [(0, 4), (5, 9)]
    assert compare.overlap([(0, 4), (5, 9)], [(3, 6)]) == 2
    assert compare.minus([(0, 10)], [(2, 3), (5, 7)]) == [(0, 2), (3, 5), (7, 10)]


def test_a_rolled_up_row_counts_an_interview_once_and_the_query_leaves_no_transaction_open(two_communities):
    """Two goals of one scene in one interview: one interview with evidence, two codings. The
    query holds no transaction afterwards, so the next coding is committed at once."""
    import sqlite3

    store, book, ids, q = two_communities
    store.user = "甲"
    codings.apply_code(store, book, Span(ids["A1"], q, "answer", 0, 2), "SCN.SERVICE.HOUSING")
    codings.apply_code(store, book, Span(ids["A1"], q, "answer", 3, 5), "SCN.SERVICE.HEALTH")
    store.user = "乙"
    codings.apply_code(store, book, Span(ids["A2"], q, "answer", 0, 2), "SCN.SERVICE.HOUSING")
    codings.apply_code(store, book, Span(ids["B1"], q, "answer", 0, 2), "SCN.SERVICE")
    result = matrix.matrix_query(store, book, ["SCN.SERVICE", "SCN.SERVICE.HOUSING"], "community")
    assert result.cell("SCN.SERVICE", "A") == (2, 3) and result.cell("SCN.SERVICE", "B") == (1, 1)
    assert result.cell("SCN.SERVICE.HOUSING", "A") == (2, 2) and result.cell("SCN.SERVICE.HOUSING", "B") == (0, 0)
    first = matrix.matrix_query(store, book, ["SCN.SERVICE"], "community", coders=("甲",))
    assert first.cell("SCN.SERVICE", "A") == (1, 2) and first.cell("SCN.SERVICE", "B") == (0, 0)
    assert not store.conn.in_transaction
    made = codings.apply_code(store, book, Span(ids["B1"], q, "answer", 4, 6), "ACT.RESIDENT")
    other = sqlite3.connect(store.path)
    try:
        assert other.execute("SELECT count(*) FROM codings WHERE id = ?", (made.id,)).fetchone()[0] == 1
    finally:
        other.close()
