"""The researcher's coding: codes on spans, the codebook the researcher grows, suggestions, memos,
re-anchoring after a revision, search."""

from __future__ import annotations

import pytest

from yingzao.core import errors
from yingzao.core.coding import codebook as cb
from yingzao.core.coding import codings, memos, search, suggestions
from yingzao.core.coding.codings import Span
from yingzao.core.forms.codebook import parse_codebook

ANSWER = "我们社区成立了居民议事会制度，每月开一次居民议事会，企业老总也来参加。"


@pytest.fixture
def coded(library_store):
    """A store with one cadre interview holding a text answer and a multiple-choice answer."""
    store, library = library_store
    protocol = library.by_role("cadre")[0]
    store.add_community("B", "B社区")
    interview = store.start_interview(protocol.sha256, community_id="B")
    text_q = next(q for q in protocol.questions if q.type == "text" and q.codes)
    store.save_answer(interview, text_q.name, ANSWER)
    book = cb.research_codebook(store, library.codebook)
    return store, library, protocol, interview, text_q.name, book


def test_a_span_is_coded_with_its_quote_and_coder(coded):
    store, _lib, _p, interview, question, book = coded
    start = ANSWER.index("居民议事会制度")
    coding = codings.apply_code(store, book, Span(interview, question, "answer", start, start + 7), "FAC.AUTONOMY")
    assert coding is not None
    assert (coding.quote, coding.coder, coding.code, coding.origin) == (
        "居民议事会制度",
        "测试员",
        "FAC.AUTONOMY",
        "coded",
    )
    stored = store.coding.codings(interview)
    assert [(c.start, c.end, c.quote) for c in stored] == [(start, start + 7, "居民议事会制度")]
    # several codes on one span, and overlapping spans
    codings.apply_code(store, book, Span(interview, question, "answer", start, start + 7), "DIM.SUBJECT")
    codings.apply_code(store, book, Span(interview, question, "answer", start + 2, start + 5), "ACT.RESIDENT")
    assert len(store.coding.codings(interview)) == 3
    # the same code on the same span by the same coder is the same coding
    again = codings.apply_code(store, book, Span(interview, question, "answer", start, start + 7), "FAC.AUTONOMY")
    assert again == coding and len(store.coding.codings(interview)) == 3
    assert [e.action for e in store.coding.audit("coding")] == ["created"] * 3


def test_bad_spans_and_codes_are_refused_and_an_empty_span_does_nothing(coded):
    store, _lib, _p, interview, question, book = coded
    with pytest.raises(errors.CodingError) as outside:
        codings.apply_code(store, book, Span(interview, question, "answer", 5, len(ANSWER) + 1), "DIM.ORG")
    assert "超出了文本" in str(outside.value)
    with pytest.raises(errors.CodingError):
        codings.apply_code(store, book, Span(interview, question, "answer", 0, 3), "DIM.NOPE")
    with pytest.raises(errors.CodingError):
        codings.apply_code(store, book, Span(interview, question, "note", 0, 1), "DIM.ORG")  # no note
    assert codings.apply_code(store, book, Span(interview, question, "answer", 4, 4), "DIM.ORG") is None
    assert store.coding.codings(interview) == []


def test_remove_restore_recode_memo_and_pin(coded):
    store, _lib, _p, interview, question, book = coded
    coding = codings.apply_code(store, book, Span(interview, question, "answer", 0, 4), "DIM.ORG")
    codings.remove_coding(store, coding.id)
    assert store.coding.codings(interview) == []
    assert store.coding.coding(coding.id).state == "deleted"  # a tombstone
    codings.restore_coding(store, coding.id)
    codings.recode(store, book, coding.id, "DIM.SUBJECT")
    codings.set_memo(store, coding.id, "议事会是自治基础的证据")
    codings.pin(store, coding.id, for_community="B")
    now = store.coding.coding(coding.id)
    assert (now.code, now.memo, now.pinned, now.pinned_for, now.state) == (
        "DIM.SUBJECT",
        "议事会是自治基础的证据",
        1,
        "B",
        "live",
    )
    actions = [e.action for e in store.coding.audit("coding", coding.id)]
    assert actions == ["created", "deleted", "restored", "recoded", "memo", "pinned"]


def test_researchers_grow_the_codebook_and_write_it_back_as_csv(coded, tmp_path):
    store, _lib, _p, interview, question, book = coded
    talent = cb.add_code(store, book, family="emergent", label_zh="人才引育", label_en="Talent", colour="#aa3311")
    sub = cb.add_code(
        store, book := cb.research_codebook(store), family="emergent", label_zh="人才公寓", parent=talent.id
    )
    book = cb.research_codebook(store)
    cb.change_code(store, book, talent.id, label_zh="人才引育机制", definition_zh="吸引和培育人才的做法")
    book = cb.research_codebook(store)
    c1 = codings.apply_code(store, book, Span(interview, question, "answer", 0, 4), sub.id)
    moved = cb.merge_codes(store, book, sub.id, talent.id)
    book = cb.research_codebook(store)
    assert moved == 1 and store.coding.coding(c1.id).code == talent.id
    assert book.resolve(sub.id) == talent.id and book.get(sub.id).status == "merged"
    with pytest.raises(errors.CodingError):
        codings.apply_code(store, book, Span(interview, question, "answer", 0, 4), sub.id + "X")
    # a merged code's id still resolves when coding
    assert codings.apply_code(store, book, Span(interview, question, "answer", 5, 9), sub.id).code == talent.id
    cb.retire_code(store, book, "DIM.SPACE")
    book = cb.research_codebook(store)
    with pytest.raises(errors.CodingError) as retired:
        codings.apply_code(store, book, Span(interview, question, "answer", 0, 4), "DIM.SPACE")
    assert "停用" in str(retired.value)
    out = cb.write_codebook_csv(book, tmp_path / "codebook.csv")
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    reread = parse_codebook(raw.decode("utf-8-sig"))
    assert reread.get(talent.id).label_zh == "人才引育机制"
    assert reread.get(talent.id).colour == "#aa3311"
    assert reread.get(sub.id).merged_into == talent.id
    assert reread.get("DIM.SPACE").status == "retired"
    assert len(reread.codes) == len(book.codes)
    assert cb.code_guid("DIM.ORG") == cb.code_guid("DIM.ORG") != cb.code_guid("DIM.SPACE")


def test_codes_and_parents_are_checked(coded):
    store, *_rest, book = coded
    with pytest.raises(errors.CodingError):
        cb.add_code(store, book, family="nonsense", label_zh="x")
    with pytest.raises(errors.CodingError):
        cb.add_code(store, book, family="emergent", label_zh="x", parent="DIM.ORG")  # another family
    with pytest.raises(errors.CodingError):
        cb.add_code(store, book, family="emergent", label_zh="  ")
    with pytest.raises(errors.CodingError):
        cb.change_code(store, book, "SCN.SERVICE", parent="SCN.SERVICE.HOUSING")  # a cycle
    with pytest.raises(errors.CodingError):
        cb.merge_codes(store, book, "DIM.ORG", "DIM.ORG")


def test_question_tags_are_suggestions_accepted_narrowed_or_rejected(coded):
    store, _lib, protocol, interview, question, book = coded
    pending = suggestions.suggestions(store, book, interview)
    tagged = set(protocol.question(question).codes)
    assert {s.code for s in pending} == {book.resolve(c) for c in tagged}
    assert store.coding.codings(interview) == []  # nothing counts until a researcher decides
    first, second, *rest = pending
    accepted = suggestions.accept(store, book, first)
    assert (accepted.start, accepted.end, accepted.origin) == (0, len(ANSWER), "suggestion")
    narrowed = suggestions.narrow(store, book, second, 3, 10)
    assert (narrowed.quote, narrowed.origin) == (ANSWER[3:10], "suggestion")
    for s in rest:
        suggestions.reject(store, s)
    assert suggestions.suggestions(store, book, interview) == []
    suggestions.reject(store, rest[0], rejected=False) if rest else None
    if rest:
        assert [s.code for s in suggestions.suggestions(store, book, interview)] == [rest[0].code]


def test_choices_suggest_only_their_own_codes(library_store):
    from yingzao.core.coding.suggestions import suggested_codes
    from yingzao.core.forms.protocol import Choice, Protocol, Question, Section
    from yingzao.core.store.records import Answer

    question = Question(
        "actors", "select_multiple", 2, "s", list_name="actors", codes=("DIM.ORG", "ACT.GOV", "ACT.PARTY")
    )
    protocol = Protocol(
        "p",
        "1",
        "cadre",
        {},
        "zh",
        ("zh",),
        (Section("s", {}, 1, None, ("actors",)),),
        (question,),
        {
            "actors": (
                Choice("street", {"zh": "街道办事处"}, ("ACT.GOV",)),
                Choice("party", {"zh": "党组织"}, ("ACT.PARTY",)),
            )
        },
    )
    answer = Answer("actors", "street", None, None, "", "")
    assert suggested_codes(protocol, question, answer) == ("DIM.ORG", "ACT.GOV")
    assert suggested_codes(protocol, question, Answer("actors", None, "refused", None, "", "")) == ()


def test_memos_on_codes_interviews_and_communities_are_audited(coded):
    store, _lib, _p, interview, _q, book = coded
    on_code = memos.add_memo(store, book, "code", "FAC.AUTONOMY", "B社区的议事会是关键")
    memos.add_memo(store, book, "interview", interview, "受访者很配合")
    memos.add_memo(store, book, "community", "B", "B社区以居民为主")
    memos.edit_memo(store, on_code.id, "B社区的议事会制度是关键")
    assert [m.text for m in memos.memos_about(store, "code", "FAC.AUTONOMY")] == ["B社区的议事会制度是关键"]
    memos.delete_memo(store, on_code.id)
    assert memos.memos_about(store, "code", "FAC.AUTONOMY") == []
    assert [e.action for e in store.coding.audit("memo", on_code.id)] == ["created", "changed", "deleted"]
    with pytest.raises(errors.CodingError):
        memos.add_memo(store, book, "community", "Z", "没有这个社区")
    with pytest.raises(errors.CodingError):
        memos.add_memo(store, book, "code", "FAC.AUTONOMY", "   ")


def test_a_revised_answer_reanchors_its_codings_or_flags_them(coded):
    store, _lib, _p, interview, question, book = coded
    at = ANSWER.index("企业老总")
    moving = codings.apply_code(store, book, Span(interview, question, "answer", at, at + 4), "ACT.MARKET")
    twice = codings.apply_code(store, book, Span(interview, question, "answer", 9, 14), "FAC.AUTONOMY")  # 居民议事会
    store.save_answer(interview, question, "补充：" + ANSWER.replace("居民议事会制度，", ""))
    codings.settle_anchors(store)
    moved = store.coding.coding(moving.id)
    text = codings.coding_text(store, interview, question)
    assert text[moved.start : moved.end] == "企业老总" and moved.anchor == "ok"
    assert store.coding.coding(twice.id).anchor in ("ok", "text_changed")
    store.save_answer(interview, question, "全部改写了")
    codings.settle_anchors(store)
    flagged = store.coding.coding(moving.id)
    assert flagged.anchor == "text_changed" and flagged.state == "live"  # kept, flagged, not dropped
    assert "text_changed" in [e.action for e in store.coding.audit("coding", moving.id)]


def test_search_finds_chinese_inside_words_and_codes_all_hits(coded):
    store, _lib, _p, interview, question, book = coded
    hits = search.search(store, "议事会")
    assert len(hits) == 2 and all(h.interview_id == interview for h in hits)
    assert [ANSWER[h.start : h.end] for h in hits] == ["议事会", "议事会"]
    assert "【议事会】" in hits[0].snippet
    two = search.search(store, "议事")  # shorter than a trigram
    assert len(two) == 2
    made = search.code_all_hits(store, book, hits, "FAC.AUTONOMY")
    assert len(made) == 2 and {c.quote for c in made} == {"议事会"}
    # the index follows edits and notes
    store.save_answer(interview, question, note="议事会记录在社区")
    assert {(h.target) for h in search.search(store, "议事会")} == {"answer", "note"}
    store.save_answer(interview, question, "没有了")
    assert {h.target for h in search.search(store, "议事会")} == {"note"}
    assert search.search(store, "   ") == []


def test_the_shipped_choices_suggest_only_what_was_ticked(library_store):
    from yingzao.core.coding.suggestions import suggested_codes
    from yingzao.core.store.records import Answer

    _store, library = library_store
    official = library.by_role("official")[0]
    actors = official.question("act_actors_involved")
    street_only = Answer(actors.name, "street", None, None, "", "")
    assert suggested_codes(official, actors, street_only) == ("ACT.GOV",)
    both = Answer(actors.name, "party enterprises", None, None, "", "")
    assert set(suggested_codes(official, actors, both)) == {"ACT.PARTY", "ACT.MARKET"}
    profile = library.by_role("profile")[0]
    mode = profile.question("construction_mode")
    assert suggested_codes(profile, mode, Answer(mode.name, "cluster", None, None, "", "")) == ("MODE.CLUSTER",)
    unit = profile.question("unit_type")
    assert suggested_codes(profile, unit, Answer(unit.name, "community", None, None, "", "")) == ("UNIT.COMMUNITY",)


def test_the_search_index_follows_any_order_of_changes(coded):
    """Rows inserted, changed and deleted between two searches: the index holds exactly the texts."""
    store, _lib, protocol, interview, question, _book = coded
    texts = [q.name for q in protocol.questions if q.type == "text"]
    search.search(store, "议事会")  # index up to date
    store.save_answer(interview, texts[1], "第一稿：议事会")
    store.save_answer(interview, texts[1], "第二稿：恳谈会")  # inserted and replaced before any search
    store.save_answer(interview, texts[2], "议事会临时稿")
    store.save_answer(interview, texts[2], "")  # inserted and deleted
    store.save_answer(interview, question, "议事会改写过了")  # an indexed row replaced
    found = {(h.question, h.target) for h in search.search(store, "议事会")}
    assert found == {(question, "answer")}
    assert {h.question for h in search.search(store, "恳谈会")} == {texts[1]}
    rows = store.conn.execute(
        "SELECT count(*) FROM search_text_fts WHERE search_text_fts MATCH '\"议事会\"'"
    ).fetchone()
    assert rows[0] == 1
    store.conn.execute("INSERT INTO search_text_fts(search_text_fts) VALUES ('integrity-check')")


def test_a_search_says_when_it_stopped_at_its_cap(coded, monkeypatch):
    store, _lib, _p, _interview, _q, _book = coded
    monkeypatch.setattr(search, "MAX_ROWS", 1)
    hits = search.search(store, "议事会", limit=1)
    assert search.capped(hits) and len(hits) == 2  # both hits of the one text listed
    assert not search.capped(search.search(store, "没有这个词"))


def test_a_search_ranks_what_it_lists_and_over_its_cap_takes_the_first_texts_stored(coded, monkeypatch):
    store, _lib, protocol, interview, question, _book = coded
    texts = [q.name for q in protocol.questions if q.type == "text" and q.name != question]
    store.save_answer(interview, texts[0], "议事会" + "，大家都说好" * 10)  # stored second, once, longer
    store.save_answer(interview, texts[1], "议事会、议事会、议事会，三次都是议事会")  # stored third, four times
    for term in ("议事会", "议事"):  # the index, ranked; a scan, by how often the term occurs
        found = search.search(store, term)
        assert [h.question for h in found] == [texts[1]] * 4 + [question] * 2 + [texts[0]]
        assert not search.capped(found)
    monkeypatch.setattr(search, "MAX_ROWS", 2)
    for term in ("议事会", "议事"):
        capped = search.search(store, term, limit=2)  # the first two texts stored, not the best two
        assert [h.question for h in capped] == [question] * 2 + [texts[0]]
        assert search.capped(capped) and capped[-1].snippet.startswith(f"【{term}】")


def test_a_two_character_search_lists_every_occurrence_where_it_is(coded, monkeypatch):
    """A term shorter than a trigram is found through the trigrams beginning with it and the index of
    texts' endings, never by reading every text: at the start and the end of a text, a text that is
    the term alone, repeated (not overlapping, as a reader counts them), in a note, between Latin
    letters; texts holding it most often come first, then as stored. Checked against the plain
    reading of the texts."""
    store, _lib, protocol, interview, question, _book = coded

    def no_scan(*_args):
        raise AssertionError("a two-character term read every text")

    monkeypatch.setattr(store.coding, "scan_text", no_scan)
    texts = [q.name for q in protocol.questions if q.type == "text" and q.name != question]
    saved = [
        (texts[0], "议事在先，后面没有了", None),
        (texts[1], "说到最后才是议事", "笔记里也有议事，还有议事"),
        (texts[2], "议事", None),
        (texts[3], "议事议事议事，用APP议事报名", None),
        (texts[4], "哈哈哈哈哈", None),
    ]
    for name, value, note in saved:
        store.save_answer(interview, name, value, note=note)
    stored = [(question, "answer", ANSWER)] + [
        (name, target, text)
        for name, value, note in saved
        for target, text in (("answer", value), ("note", note))
        if text
    ]

    def as_read(term: str) -> list[tuple[str, str, int, int, str]]:
        found = []
        for name, target, text in stored:
            starts, at = [], text.find(term)
            while at >= 0:
                starts.append(at)
                at = text.find(term, at + len(term))
            found.append([(name, target, at, at + len(term), text) for at in starts])
        found.sort(key=len, reverse=True)  # stable: as stored among equals
        return [hit for hits in found for hit in hits]

    for term in ("议事", "哈哈", "P议", "PP"):
        hits = search.search(store, term)
        assert [(h.question, h.target, h.start, h.end, h.text) for h in hits] == as_read(term), term
        assert all(h.text[h.start : h.end] == term for h in hits)
    first = search.search(store, "议事")
    assert [h.question for h in first[:4]] == [texts[3]] * 4  # four times in one text
    assert [(h.start, h.end) for h in search.search(store, "哈哈")] == [(0, 2), (2, 4)]
    ending = [h for h in first if h.question == texts[1] and h.target == "answer"]
    assert ending[0].snippet == "说到最后才是【议事】"
    assert {h.target for h in first if h.question == texts[1]} == {"answer", "note"}
    # letters compare without case, as the trigram index compares longer terms: in a text, at its end
    assert [h.start for h in search.search(store, "pp")] == [9]
    assert [h.start for h in search.search(store, "app")] == [8]
    store.save_answer(interview, texts[4], "用的是App")
    assert [(h.question, h.start) for h in search.search(store, "pP")] == [(texts[3], 9), (texts[4], 4)]
    monkeypatch.undo()  # a term whose lower case is longer (İ) is read from the texts, as typed
    store.save_answer(interview, texts[4], "去过İstanbul")
    assert [(h.question, h.start, h.end) for h in search.search(store, "İs")] == [(texts[4], 2, 4)]


def test_a_copy_whose_index_is_behind_finds_two_characters_by_reading_the_texts(coded, tmp_path):
    """A read-only copy cannot bring its index up to date: a search reads the texts themselves, and
    finds what the index does not hold yet."""
    from yingzao.core.store.database import Store

    store, _lib, protocol, interview, question, _book = coded
    search.search(store, "议事")  # the index up to date
    other = next(q.name for q in protocol.questions if q.type == "text" and q.name != question)
    store.save_answer(interview, other, "新写的议事记录")
    assert store.coding.search_pending()
    store.conn.commit()
    with Store(store.path, read_only=True) as copy:
        assert copy.coding.search_pending()
        found = {(h.question, h.start) for h in search.search(copy, "议事")}
    assert (other, 3) in found and len(found) == 3


def test_closing_the_store_brings_the_search_journal_into_the_index(library_store, tmp_path):
    from yingzao.core.store.database import Store

    store, library = library_store
    protocol = library.by_role("cadre")[0]
    interview = store.start_interview(protocol.sha256)
    question = next(q.name for q in protocol.questions if q.type == "text")
    for n in range(5):
        store.save_answer(interview, question, f"第{n}稿：居民议事会")
    assert store.coding.search_pending() > 0
    store.close()
    with Store(store.path) as again:
        assert again.coding.search_pending() == 0
        assert len(search.search(again, "议事会")) == 1


def test_code_all_hits_reads_in_bulk_and_commits_at_once(coded):
    """The hits' texts and codings are read for all of them at once (through a temporary table):
    that must leave no transaction open, or the next writes would never be committed."""
    import sqlite3

    store, _lib, protocol, interview, question, book = coded
    note_q = next(q.name for q in protocol.questions if q.type == "text" and q.name != question)
    store.save_answer(interview, note_q, "无", note="议事会开会的记录")
    hits = search.search(store, "议事会")
    first = search.code_all_hits(store, book, hits[:1], "FAC.AUTONOMY")
    made = search.code_all_hits(store, book, hits, "FAC.AUTONOMY")  # the first hit is coded already
    assert len(first) == 1 and len(made) == 2 and first[0].id not in {c.id for c in made}
    assert {(c.question, c.target, c.quote) for c in first + made} == {
        (question, "answer", "议事会"),
        (note_q, "note", "议事会"),
    } and len({(c.start, c.target) for c in first + made}) == 3
    assert not store.conn.in_transaction
    other = sqlite3.connect(store.path)
    try:
        seen = other.execute("SELECT count(*) FROM codings WHERE code = 'FAC.AUTONOMY'").fetchone()[0]
        audited = other.execute("SELECT count(*) FROM coding_audit WHERE action = 'created'").fetchone()[0]
    finally:
        other.close()
    assert seen == 3 and audited == 3
    with pytest.raises(errors.YingzaoError):  # a span past its text's end: refused, nothing written
        codings.apply_many(store, book, [Span(interview, note_q, "note", 0, 99)], "FAC.AUTONOMY")
    assert len(store.coding.codings(interview)) == 3


def test_finding_the_codings_to_re_anchor_reads_only_those_through_their_index(coded):
    """codings_to_check and settle_unchanged_anchors run at every merge and every interview opened
    on the coding page: a scan of every coding there made a merge of many packages quadratic."""
    store, _lib, _p, interview, question, book = coded
    codings.apply_code(store, book, Span(interview, question, "answer", 0, 4), "FAC.AUTONOMY")
    store.save_answer(interview, question, "补充：" + ANSWER)  # the coding is to be checked
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        codings.settle_anchors(store)
    finally:
        store.conn.set_trace_callback(None)
    reads = [s for s in statements if "anchor = 'check'" in s and s.lstrip().startswith(("SELECT", "UPDATE"))]
    assert len(reads) == 2
    for sql in reads:
        plan = " / ".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING INDEX codings_anchor" in plan and "SCAN codings" not in plan, (sql, plan)
    assert store.coding.coding(codings.codings_of(store, interview)[0].id).anchor == "ok"
