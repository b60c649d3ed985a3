"""What this computer's user chose for the app itself, kept beside the databases in the data folder.

The interface language lives in each database (settings `ui_language`) so it moves with the
database; but an encrypted database cannot be read before its passphrase is given, and the
passphrase dialog must already speak the user's language. So the language chosen last is also kept
here, in a small JSON file that holds no study data.
"""

from __future__ import annotations

import json

from yingzao.core import paths
from yingzao.core.durable import write_durably

FILE_NAME = "preferences.json"
_MOST = 64 * 1024  # the file holds a few short choices; anything bigger is not this app's
LANGUAGES = ("zh", "en")


def language() -> str | None:
    """The interface language chosen last on this computer (None: never chosen, or unreadable)."""
    chosen = _read().get("ui_language")
    return chosen if chosen in LANGUAGES else None


def remember_language(lang: str) -> None:
    """Keep `lang` for the next start; a folder that cannot be written is no reason to fail."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    chosen = {**_read(), "ui_language": lang}
    try:
        folder = paths.data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        write_durably(folder / FILE_NAME, json.dumps(chosen, ensure_ascii=False).encode("utf-8"))
    except OSError:
        return


def _read() -> dict:
    path = paths.data_dir() / FILE_NAME
    try:
        with path.open("rb") as handle:
            data = handle.read(_MOST + 1)
    except OSError:
        return {}
    if len(data) > _MOST:
        return {}
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return parsed if isinstance(parsed, dict) else {}
