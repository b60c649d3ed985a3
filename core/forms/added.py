"""A team's own XLSForms, added to a database beside the study's shipped protocols.

Another study runs its own interview guide: `python main.py forms add GUIDE.xlsx` or *File → Add
protocol…* checks the workbook as `check-form` does (with the CSVs it chooses from beside it), keeps
the workbook and its parsed definition in the database, and lists it in the setting
`added_protocols`. The library offers every listed form with the shipped ones; adding a new version
of a form (the same `form_id`) replaces the one offered, and removing a form only stops offering it:
the interviews taken with it keep their protocol, as every interview does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from yingzao.core.errors import Problem
from yingzao.core.store.database import Store

ADDED_PROTOCOLS = "added_protocols"  # setting: [sha256, …] of the forms added, one per form_id, in order


@dataclass(frozen=True)
class AddedForm:
    sha256: str
    form_id: str
    version: str
    title: str
    source_name: str


def add_form(store: Store, path: Path) -> tuple[AddedForm, list[Problem]]:
    """Check the workbook at `path` and offer it from now on; returns it and its warnings (what it
    carries that Yingzao ignores). A workbook that does not load raises FormError listing every
    problem at its place, and the database is left as it was."""
    from yingzao.core.coding.codebook import research_codebook
    from yingzao.core.forms.loader import load_protocol_workbook

    # the database's codebook: a form may name the codes researchers added here
    protocol, workbook = load_protocol_workbook(Path(path), research_codebook(store))
    listed = [sha for sha in _listed(store) if store.protocol_form_id(sha) != protocol.form_id]
    with store.transaction():
        if not store.has_protocol(protocol.sha256):
            store.add_protocol(protocol, workbook)
        store.set_setting(ADDED_PROTOCOLS, json.dumps([*listed, protocol.sha256]))
    return _described(store, protocol.sha256), list(protocol.warnings)


def remove_form(store: Store, form_id: str) -> bool:
    """Stop offering the added form `form_id` (its interviews keep it); False when none is added."""
    listed = _listed(store)
    kept = [sha for sha in listed if store.protocol_form_id(sha) != form_id]
    if kept == listed:
        return False
    store.set_setting(ADDED_PROTOCOLS, json.dumps(kept))
    return True


def added_forms(store: Store) -> list[AddedForm]:
    return [_described(store, sha) for sha in _listed(store)]


def added_protocols(store: Store) -> list[str]:
    """The hashes of the forms added, for the library (read without building any protocol)."""
    return _listed(store)


def _listed(store: Store) -> list[str]:
    try:
        listed = json.loads(store.get_setting(ADDED_PROTOCOLS) or "[]")
    except ValueError:  # a setting damaged by hand: nothing added rather than nothing working
        return []
    if not isinstance(listed, list):
        return []
    return [sha for sha in listed if isinstance(sha, str) and store.has_protocol(sha)]


def _described(store: Store, sha: str) -> AddedForm:
    protocol = store.protocol(sha)
    return AddedForm(
        sha, protocol.form_id, protocol.version, protocol.title(protocol.default_language), protocol.source_name
    )
