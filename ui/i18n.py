"""Interface strings in Chinese (default) and English; switchable at any moment."""

from __future__ import annotations

import weakref
from collections.abc import Callable

import shiboken6

from yingzao.core import errors

_STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("营造 · 社区治理田野访谈", "Yingzao · Field interviews for community governance"),
    "role.official": ("官员", "Official"),
    "role.street_staff": ("街道工作人员", "Street / district staff"),
    "role.cadre": ("社区干部", "Community cadre"),
    "role.profile": ("社区概况", "Community profile"),
    "firstrun.role.fieldworker": ("访员", "Fieldworker"),
    "firstrun.role.supervisor": ("督导", "Supervisor"),
    "firstrun.role.researcher": ("研究人员", "Researcher"),
    "status.draft": ("草稿", "Draft"),
    "status.completed": ("已完成", "Completed"),
    "status.approved": ("已通过", "Approved"),
    "status.rejected": ("已退回", "Sent back"),
    "menu.language": ("语言(&L)", "&Language"),
    "error.title": ("无法继续", "Cannot continue"),
}

LANGUAGES = ("zh", "en")
USER_ROLES = ("fieldworker", "supervisor", "researcher")  # a label, not a permission (see README)


def role_label(tr: Translator, role: str | None) -> str:
    """The user's role in words."""
    return tr(f"firstrun.role.{role}") if role in USER_ROLES else (role or "")


def add_strings(table: dict[str, tuple[str, str]]) -> None:
    """Let each screen keep its own strings beside its code; keys must be unique across the app."""
    clash = set(table) & set(_STRINGS)
    if clash:
        raise KeyError(f"interface strings defined twice: {sorted(clash)}")
    _STRINGS.update(table)


class Translator:
    """Holds the current language and tells listeners when it changes.

    Bound methods are held weakly and skipped once their Qt object is deleted, so a dialog that
    follows the language needs no unregistering."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang if lang in LANGUAGES else "zh"
        errors.set_language(self.lang)
        self._listeners: list[Callable[[], Callable[[], None] | None]] = []

    def __call__(self, key: str, **values: object) -> str:
        zh, en = _STRINGS[key]
        text = en if self.lang == "en" else zh
        return text.format(**values) if values else text

    def set_language(self, lang: str) -> None:
        if lang in LANGUAGES and lang != self.lang:
            self.lang = lang
            errors.set_language(lang)
            alive = []
            for ref in self._listeners:
                listener = ref()
                owner = getattr(listener, "__self__", None)
                if listener is None or (isinstance(owner, shiboken6.Object) and not shiboken6.isValid(owner)):
                    continue
                alive.append(ref)
                listener()
            self._listeners = alive

    def on_change(self, listener: Callable[[], None]) -> None:
        if hasattr(listener, "__self__"):
            self._listeners.append(weakref.WeakMethod(listener))  # type: ignore[arg-type]
        else:
            self._listeners.append(lambda: listener)


def all_keys() -> list[str]:
    return list(_STRINGS)


def text(key: str, lang: str) -> str:
    zh, en = _STRINGS[key]
    return en if lang == "en" else zh
