"""The review before release, against one database: what the detector reads, what it knows, and
the researcher's decisions (accept → the pseudonym table, ignore → the allow-list, edit → the
table with the researcher's words).

    detections = review(store)                 # answers, notes and comments
    review(store, extra=memo_texts)            # and any other (where, text) pairs
    accept(store, "邛崃", "Q市", "place"); ignore(store, "成都")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from yingzao.core import paths
from yingzao.core.anonymity import table
from yingzao.core.anonymity.detect import Detection, Lexicon, detect
from yingzao.core.export import anonymize
from yingzao.core.export.data import ExportReader
from yingzao.core.export.labels import t
from yingzao.core.forms.codebook import load_codebook
from yingzao.core.store import driver


def lexicon(store, lang: str = "zh") -> Lexicon:
    """Every term an anonymised export of this database knows, with what it becomes."""
    with store.snapshot():
        reader = ExportReader(store, load_codebook(paths.CODEBOOK_PATH), lang, anonymising=True)
        try:
            anon = anonymize.anonymizer(
                reader.people(with_identifying=True),
                reader.communities(),
                other_users=reader.other_users(),
                removed=t("removed", lang),
                table=table.replacements(store.conn),
                allowed=table.allowed(store.conn),
                lang=lang,
            )
        finally:
            reader.close()
    assert anon.text is not None
    return Lexicon(anon.text.terms, anon.text.allowed)


def store_texts(store) -> Iterator[tuple[str, str]]:
    """(where, text) of every answer, note and comment an anonymised export could show: the answers
    to identifying questions are left out (an anonymised export drops them; they are what the
    lexicon learns names from). `where` reads like "3f2a9c1e·cad_formation" (note: "…（备注）")."""
    identifying: dict[str, set[str]] = {}
    for (sha,) in store.conn.execute("SELECT DISTINCT protocol_sha256 FROM interviews").fetchall():
        try:
            identifying[sha] = {q.name for q in store.protocol(sha).questions if q.identifying}
        except (driver.DatabaseError, ValueError, KeyError):
            identifying[sha] = set()
    rows = store.conn.execute(
        "SELECT a.interview_id, i.protocol_sha256, a.question, a.value, a.note FROM answers a"
        " JOIN interviews i ON i.id = a.interview_id ORDER BY i.started_at, a.interview_id, a.question"
    )
    for interview_id, sha, question, value, note in rows:
        short = interview_id.replace("-", "")[:8]
        if question in identifying.get(sha, ()):
            continue
        if isinstance(value, str) and value:
            yield f"{short}·{question}", value
        if note:
            yield f"{short}·{question}（备注）", note
    for interview_id, question, text in store.conn.execute(
        "SELECT interview_id, question, text FROM comments ORDER BY at, id"
    ):
        yield f"{interview_id.replace('-', '')[:8]}·{question or ''}（评论）", text
    # the researchers' memos, and codings' own memos and quotes (a quote outlives a revised answer)
    for memo in store.coding.memos():
        yield f"{memo.about}:{memo.about_id[:8]}（备忘）", memo.text
    shas = dict(store.conn.execute("SELECT id, protocol_sha256 FROM interviews").fetchall())
    for coding in store.coding.codings():
        where = f"{coding.interview_id.replace('-', '')[:8]}·{coding.question}"
        if coding.question in identifying.get(shas.get(coding.interview_id, ""), ()):
            continue
        yield f"{where}（编码引述）", coding.quote
        if coding.memo:
            yield f"{where}（编码备忘）", coding.memo


def review(
    store,
    *,
    extra: Iterable[tuple[str, str]] = (),
    segmenter: bool = True,
    cancelled: Callable[[], bool] | None = None,
) -> list[Detection]:
    """Every detected term in the database's texts (and `extra`), for *Review anonymisation*."""
    known = lexicon(store)
    with store.snapshot():
        return detect(chain(store_texts(store), extra), known, segmenter=segmenter, cancelled=cancelled)


def accept(store, term: str, replacement: str, category: str = "") -> table.Pseudonym:
    return table.set_pseudonym(store, term, replacement, category)


def ignore(store, term: str, category: str = "") -> table.Pseudonym:
    return table.allow(store, term, category)
