"""Where Yingzao keeps its files on Windows, macOS and Linux, without asking Qt."""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path

APP_DIR_NAME = "Yingzao"
# the protocols and the codebook, found as package data: in a checkout the top-level forms/ folder,
# in an installed wheel the copy inside the package
FORMS_DIR = Path(str(files("yingzao.forms")))
CODEBOOK_PATH = FORMS_DIR / "codebook.csv"


def data_dir() -> Path:
    """The user's data folder for Yingzao (YINGZAO_HOME overrides it, e.g. for a USB stick)."""
    override = os.environ.get("YINGZAO_HOME")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
        return base / APP_DIR_NAME
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP_DIR_NAME
    base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / APP_DIR_NAME.lower()


def default_database() -> Path:
    return data_dir() / "yingzao.db"


def shipped_protocols() -> list[Path]:
    """The study's protocols as shipped in forms/: interview protocols first, then the profile form."""
    return sorted(FORMS_DIR.glob("protocol_*.xlsx")) + sorted(FORMS_DIR.glob("profile_*.xlsx"))
