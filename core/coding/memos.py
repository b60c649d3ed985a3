"""Memos on a code, an interview or a community (case); a coding's own memo is on the coding
(core/coding/codings.py `set_memo`). Each change is a new version of the memo, audited."""

from __future__ import annotations

import uuid
from dataclasses import replace

from yingzao.core import errors
from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.store.codings import Memo
from yingzao.core.store.database import Store

SUBJECTS = ("code", "interview", "community")


def _check_subject(store: Store, book: ResearchCodebook, about: str, about_id: str) -> None:
    if about == "code" and book.has(about_id):
        return
    if about == "interview":
        try:
            store.interview(about_id)
            return
        except errors.StoreError:
            pass
    if about == "community" and about_id in {c.id for c in store.communities()}:
        return
    raise errors.memo_bad_target(about, about_id)


def add_memo(store: Store, book: ResearchCodebook, about: str, about_id: str, text: str) -> Memo:
    if not text.strip():
        raise errors.memo_empty()
    _check_subject(store, book, about, about_id)
    now = store.now()
    memo = Memo(
        id=str(uuid.uuid4()),
        about=about,
        about_id=about_id,
        text=text.strip(),
        author=store.user,
        state="live",
        created_at=now,
        updated_at=now,
        updated_by=store.user,
        device_id=store.device_id,
    )
    store.coding.put("memo", memo, "created")
    return memo


def _live(store: Store, memo_id: str) -> Memo:
    memo = store.coding.memo(memo_id)
    if memo is None or memo.state != "live":
        raise errors.coding_unknown(memo_id)
    return memo


def edit_memo(store: Store, memo_id: str, text: str) -> Memo:
    before = _live(store, memo_id)
    if not text.strip():
        raise errors.memo_empty()
    if text.strip() == before.text:
        return before
    after = replace(before, text=text.strip(), updated_at=store.now(), updated_by=store.user, device_id=store.device_id)
    store.coding.put("memo", after, "changed", before)
    return after


def delete_memo(store: Store, memo_id: str) -> Memo:
    before = _live(store, memo_id)
    after = replace(before, state="deleted", updated_at=store.now(), updated_by=store.user, device_id=store.device_id)
    store.coding.put("memo", after, "deleted", before)
    return after


def memos_about(store: Store, about: str, about_id: str) -> list[Memo]:
    return store.coding.memos(about, about_id)
