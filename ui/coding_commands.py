"""Undo and redo of the coding page's actions (QUndoStack; Ctrl+Z / Ctrl+Shift+Z).

Each action has already been saved through a core function when its step is pushed; undoing and
redoing are core functions too (a removed coding is a tombstone, so undoing a removal restores the
same record, and redoing a coding restores the one undone rather than making a second one).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from yingzao.core.coding import codings as core
from yingzao.core.coding import suggestions as core_suggestions
from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.suggestions import Suggestion
from yingzao.core.errors import YingzaoError
from yingzao.core.store.codings import Coding
from yingzao.core.store.database import Store


class Step(QUndoCommand):
    """One action, already done: `undo` and `redo` run the core functions that take it back and
    do it again; `after` refreshes the page (with the interview to show)."""

    def __init__(
        self,
        text: str,
        undo: Callable[[], None],
        redo: Callable[[], None],
        after: Callable[[str | None], None],
        interview_id: str | None,
        on_error: Callable[[YingzaoError], None],
    ) -> None:
        super().__init__(text)
        self._undo, self._redo, self._after = undo, redo, after
        self.interview_id = interview_id
        self._on_error = on_error
        self._done = True  # pushed after the action ran: the stack's first redo does nothing

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, action: Callable[[], None]) -> None:
        try:
            action()
        except YingzaoError as error:
            self._on_error(error)
        self._after(self.interview_id)


def removal_of(store: Store, made: list[Coding]) -> Callable[[], None]:
    def undo() -> None:
        with store.transaction():
            for coding in made:
                core.remove_coding(store, coding.id)

    return undo


def restoring(store: Store, made: list[Coding]) -> Callable[[], None]:
    def redo() -> None:
        with store.transaction():
            for coding in made:
                core.restore_coding(store, coding.id)

    return redo


def recoding(store: Store, book: Callable[[], ResearchCodebook], coding_id: str, code: str) -> Callable[[], None]:
    return lambda: core.recode(store, book(), coding_id, code) and None


def memo_setting(store: Store, coding_id: str, memo: str) -> Callable[[], None]:
    return lambda: core.set_memo(store, coding_id, memo) and None


def pinning(store: Store, coding_id: str, pinned: bool, community: str) -> Callable[[], None]:
    return lambda: core.pin(store, coding_id, pinned, for_community=community) and None


def attributing(store: Store, coding_id: str, communities: tuple[str, ...]) -> Callable[[], None]:
    return lambda: core.attribute(store, coding_id, communities) and None


def rejecting(store: Store, suggestion: Suggestion, rejected: bool) -> Callable[[], None]:
    return lambda: core_suggestions.reject(store, suggestion, rejected)
