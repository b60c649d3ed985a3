"""The study's protocols as the app starts with them: parsed once, then read back from the store.

Start-up hashes each shipped workbook (cheap) and only parses the ones whose hash the store has
never seen, so pyxform is not even imported on a normal launch.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from core import paths
from core.codebook import Codebook, load_codebook
from core.errors import FormError
from core.protocol import Protocol
from core.store import Store


@dataclass
class Library:
    codebook: Codebook
    protocols: list[Protocol]  # the current version of each shipped protocol
    problems: list[FormError]  # workbooks that could not be loaded (the rest still work)

    def by_role(self, role: str) -> list[Protocol]:
        return [p for p in self.protocols if p.role == role]

    def by_form_id(self, form_id: str) -> Protocol | None:
        return next((p for p in self.protocols if p.form_id == form_id), None)


def load_library(store: Store, workbooks: list[Path] | None = None, codebook_path: Path | None = None) -> Library:
    codebook = load_codebook(codebook_path or paths.CODEBOOK_PATH)
    protocols: list[Protocol] = []
    problems: list[FormError] = []
    for path in workbooks if workbooks is not None else paths.shipped_protocols():
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if store.has_protocol(sha):
            cached = store.protocol(sha)
            # a codebook edit may have removed a code this protocol uses: then parse again to say where
            if all(codebook.has(code) for code in cached.codes_used):
                protocols.append(cached)
                continue
        from core.form_loader import load_protocol  # only when a workbook is new or changed

        try:
            protocol = load_protocol(path, codebook)
        except FormError as error:
            problems.append(error)
            continue
        store.add_protocol(protocol, data)
        protocols.append(protocol)
    return Library(codebook, protocols, problems)
