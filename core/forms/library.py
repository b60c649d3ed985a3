"""The study's protocols as the app starts with them: parsed once, then read back from the store.

A workbook is identified by the SHA-256 of its bytes. So that start-up need not even read the
files, the store remembers each workbook's size and modification time with its hash: when they
are unchanged, the parsed protocol is taken from the store as it is. A changed (or new) workbook is
hashed, and parsed only if the store has never seen that hash — pyxform is not imported otherwise.
A protocol taken from the store is built from its stored definition when the library is first
asked for its protocols, not at start-up: the home list needs none of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from yingzao.core import paths
from yingzao.core.errors import FormError, Problem, cannot_read
from yingzao.core.store.database import Store

if TYPE_CHECKING:  # the codebook's module is imported when it is first read: start-up does not read it
    from yingzao.core.forms.codebook import Codebook
    from yingzao.core.forms.protocol import Protocol

SEEN_FILES = "library_files"  # setting: {file name: [size, mtime_ns, sha256]} as last loaded
# setting: the protocols (sha256) of the project file this database holds (core/security/membership.py):
# a project's protocols are the ones its interviews are taken with, whatever this copy of Yingzao ships
PROJECT_PROTOCOLS = "project_protocols"


class Library:
    """The current version of each of the study's protocols, the codebook, and what could not be loaded.

    `protocols` is built on first use: until then the library holds a protocol the store already
    had as its hash (read through `store.protocol`, which keeps what it built), and one parsed or
    checked at loading as the protocol itself."""

    def __init__(
        self,
        codebook_path: Path,
        protocols: list[Protocol | str],
        problems: list[FormError],
        store: Store | None = None,
    ) -> None:
        self.codebook_path = codebook_path
        self.problems = problems  # workbooks that could not be loaded (the rest still work)
        self._store = store  # reads a protocol given by its hash
        self._protocols = protocols
        self._built: list[Protocol] | None = None
        self._codebook: Codebook | None = None

    @property
    def protocols(self) -> list[Protocol]:
        """The current version of each shipped protocol (or the project's)."""
        if self._built is None:
            self._built = [self._build(item) for item in self._protocols]
        return self._built

    def _build(self, item: Protocol | str) -> Protocol:
        if not isinstance(item, str):
            return item
        assert self._store is not None, "a protocol given by its hash needs the store that holds it"
        return self._store.protocol(item)

    @property
    def codebook(self) -> Codebook:
        """Read when first needed (exports, dashboard): start-up does not need it when nothing changed."""
        if self._codebook is None:
            from yingzao.core.forms.codebook import load_codebook

            self._codebook = load_codebook(self.codebook_path)
        return self._codebook

    def by_role(self, role: str) -> list[Protocol]:
        return [p for p in self.protocols if p.role == role]

    @property
    def warnings(self) -> list[Problem]:
        """What the loaded protocols carry that Yingzao ignores: shown beside `problems`, refusing nothing."""
        return [warning for protocol in self.protocols for warning in protocol.warnings]


def _stat(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def load_library(store: Store, workbooks: list[Path] | None = None, codebook_path: Path | None = None) -> Library:
    codebook_path = codebook_path or paths.CODEBOOK_PATH
    found: list[Protocol | str] = []  # a protocol the store has, by its hash: built when first used
    library = Library(codebook_path, found, [], store)
    seen: dict[str, list] = json.loads(store.get_setting(SEEN_FILES) or "{}")
    try:
        now_seen: dict[str, list] = {"(codebook)": _stat(codebook_path)}
    except OSError:
        from yingzao.core.forms.codebook import load_codebook

        load_codebook(codebook_path)  # raises the CodebookError that says which file and what to do
        raise
    codebook_unchanged = seen.get("(codebook)") == now_seen["(codebook)"]
    for path in workbooks if workbooks is not None else paths.shipped_protocols():
        try:
            stat = _stat(path)
        except OSError as error:
            library.problems.append(FormError(path, [Problem(str(path), "", None, cannot_read(error))]))
            continue
        known = seen.get(str(path))
        if codebook_unchanged and known and known[:2] == stat and store.has_protocol(known[2]):
            found.append(known[2])
            now_seen[str(path)] = known
            continue
        protocol = _load_changed(store, path, library)
        if protocol is not None:
            found.append(protocol)
            now_seen[str(path)] = [*stat, protocol.sha256]
    if now_seen != seen and not store.read_only:
        store.set_setting(SEEN_FILES, json.dumps(now_seen))
    _use_the_added(store, found)
    _use_the_projects(store, found)
    return library


def _use_the_added(store: Store, found: list[Protocol | str]) -> None:
    """A team's own forms (core/forms/added.py) are offered with the shipped ones; one with the form_id
    of a shipped protocol replaces it."""
    from yingzao.core.forms.added import added_protocols

    for sha in added_protocols(store):
        form_id = store.protocol_form_id(sha)
        shipped = [store.protocol_form_id(item) if isinstance(item, str) else item.form_id for item in found]
        if form_id in shipped:
            found[shipped.index(form_id)] = sha
        else:
            found.append(sha)


def _use_the_projects(store: Store, found: list[Protocol | str]) -> None:
    """In a database of a project, the project file's version of each protocol replaces the shipped
    one of the same form (and a form only the project carries is added): every laptop of the study
    interviews with the protocols the researcher chose, even one whose Yingzao ships others."""
    chosen = json.loads(store.get_setting(PROJECT_PROTOCOLS) or "[]")
    carried: dict[str | None, Protocol | str] = {}
    for sha in chosen:
        form_id = store.protocol_form_id(sha)  # read without building the protocol
        if form_id is not None:
            carried[form_id] = sha
    if not carried:
        return
    shipped = [(store.protocol_form_id(item) if isinstance(item, str) else item.form_id, item) for item in found]
    found[:] = [carried.pop(form_id, item) for form_id, item in shipped] + list(carried.values())


def _load_changed(store: Store, path: Path, library: Library) -> Protocol | None:
    import hashlib

    from yingzao.core.forms.xlsform import MAX_FILE_BYTES, too_big

    if path.stat().st_size > MAX_FILE_BYTES:  # not read at all: no form is that large
        library.problems.append(FormError(path, [too_big(path)]))
        return None
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if store.has_protocol(sha):
        cached = store.protocol(sha)
        # a codebook edit may have removed a code this protocol uses: then parse again to say where
        if all(library.codebook.has(code) for code in cached.codes_used):
            return cached
    from yingzao.core.forms.loader import load_protocol_workbook  # only when a workbook is new or changed

    try:
        # the very bytes hashed and kept (with the CSVs it chooses from copied in, if any)
        protocol, workbook = load_protocol_workbook(path, library.codebook, data=data)
    except FormError as error:
        library.problems.append(error)
        return None
    store.add_protocol(protocol, workbook)
    return protocol
