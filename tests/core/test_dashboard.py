"""The progress dashboard's numbers: interviews by community × role × status, and the evidence each
community has for the coding frame's dimensions, actors and factors."""

from __future__ import annotations

from yingzao.core.review import dashboard


def test_counts_by_community_role_and_status(library_store):
    store, library = library_store
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    official, cadre = library.by_role("official")[0], library.by_role("cadre")[0]
    done = store.start_interview(official.sha256, community_id="A")
    store.finalize(done)
    store.start_interview(official.sha256, community_id="A")
    store.start_interview(cadre.sha256, community_id="B")
    store.start_interview(cadre.sha256)
    counts = dashboard.status_counts(store)
    assert counts.communities == ["A", "B", None]
    assert counts.roles == ["official", "cadre"]
    assert (counts.get("A", "official", "completed"), counts.get("A", "official", "draft")) == (1, 1)
    assert counts.total("B", "cadre") == 1 and counts.total("B", "official") == 0
    assert counts.pairs() == [("A", "official"), ("B", "cadre"), (None, "cadre")]


def test_coverage_counts_answered_evidence_per_code_and_shows_the_gaps(library_store, codebook):
    store, library = library_store
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    protocol = library.by_role("cadre")[0]
    tagged = {q.name: q.codes for q in protocol.answerable if q.type == "text" and q.codes}
    org = next(name for name, codes in tagged.items() if "DIM.ORG" in codes)
    interview = store.start_interview(protocol.sha256, community_id="A")
    store.save_answer(interview, org, "综合党委统筹")
    other = next(name for name in tagged if name != org)
    store.save_answer(interview, other, "")  # empty: no evidence
    store.finalize(interview)
    skipped = store.start_interview(protocol.sha256, community_id="A")
    store.save_answer(skipped, org, "有内容", marker="skipped")  # a marker is not evidence either
    store.finalize(skipped)
    draft = store.start_interview(protocol.sha256, community_id="B")
    store.save_answer(draft, org, "草稿里的回答")  # drafts are not evidence yet
    grid = dashboard.coverage(store, codebook)
    assert grid.codes == [
        "DIM.ORG",
        "DIM.SPACE",
        "DIM.SERVICE",
        "DIM.SUBJECT",
        "ACT.PARTY",
        "ACT.GOV",
        "ACT.MARKET",
        "ACT.RESIDENT",
        "FAC.INDUSTRY",
        "FAC.POPULATION",
        "FAC.ENVIRONMENT",
        "FAC.AUTONOMY",
    ]
    assert grid.communities == ["A", "B"]
    for code in tagged[org]:
        if code in grid.codes:
            assert grid.get("A", code) == 1
    assert "DIM.ORG" not in grid.missing("A")
    assert grid.missing("B") == grid.codes
    assert dashboard.coverage(store, codebook, statuses=("completed", "draft")).get("B", "DIM.ORG") == 1


def test_the_closing_remarks_fill_no_gap_of_their_own(library_store, codebook):
    """The closing question carries all four dimensions so its answer can be coded by any of them;
    answering it is no evidence for any dimension in particular."""
    store, library = library_store
    store.add_community("A", "A社区")
    protocol = library.by_role("cadre")[0]
    assert {"DIM.ORG", "DIM.SPACE", "DIM.SERVICE", "DIM.SUBJECT"} <= set(protocol.question("close_additional").codes)
    interview = store.start_interview(protocol.sha256, community_id="A")
    store.save_answer(interview, "close_additional", "还想补充一点：社区的变化很大。")
    store.save_answer(interview, "sp_environment_change", "新修了步道和公园。")  # DIM.SPACE, among others
    store.finalize(interview)
    grid = dashboard.coverage(store, codebook)
    assert grid.get("A", "DIM.SPACE") == 1
    assert grid.get("A", "DIM.ORG") == 0 and grid.get("A", "DIM.SUBJECT") == 0


def test_a_city_interview_counts_for_the_communities_it_discussed(library_store, codebook):
    store, library = library_store
    for community in ("A", "B", "C"):
        store.add_community(community, f"{community}社区")
    protocol = library.by_role("official")[0]
    interview = store.start_interview(protocol.sha256, community_id=None)
    store.save_answer(interview, "fac_industry_type", "种业园区和电子信息园区的重点不同。")
    store.save_answer(interview, "communities_discussed", "A B")
    store.finalize(interview)
    grid = dashboard.coverage(store, codebook)
    assert [grid.get(c, "FAC.INDUSTRY") for c in ("A", "B", "C")] == [1, 1, 0]
    assert grid.get("A", "FAC.POPULATION") == 0
