"""Every error a user can act on, in one place: this package, one module per area.

Each error carries *where* (file, sheet, row, column, question) and *what to do*, so the UI and the
command line can show it as it is, never as a traceback. Every module's errors are read from here
(`from yingzao.core import errors`; `errors.damaged_package(...)`), whichever module defines them.

The base (the language, `Text`, `YingzaoError`) is loaded with the package; an area's module when
one of its names is first read. Most runs of the app raise none of the catalogue's errors, and
loading all of it cost several milliseconds of every start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from yingzao.core.errors.base import *

if TYPE_CHECKING:  # what the type checker reads; at run time each area comes with its first name read
    from yingzao.core.errors.coding import *
    from yingzao.core.errors.encryption import *
    from yingzao.core.errors.export import *
    from yingzao.core.errors.forms import *
    from yingzao.core.errors.packages import *
    from yingzao.core.errors.review import *
    from yingzao.core.errors.security import *
    from yingzao.core.errors.store import *

AREAS = ("store", "forms", "export", "packages", "coding", "review", "security", "encryption")
_loaded: set[str] = set()


def _load(area: str) -> None:
    module = importlib.import_module(f"{__name__}.{area}")
    globals().update({name: value for name, value in vars(module).items() if not name.startswith("_")})
    _loaded.add(area)


def __getattr__(name: str) -> Any:
    if not name.startswith("__"):
        for area in AREAS:
            if area not in _loaded:
                _load(area)
                if name in globals():
                    return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def every() -> dict[str, Any]:
    """Every name of the catalogue, each area loaded (for what walks the whole catalogue)."""
    for area in AREAS:
        if area not in _loaded:
            _load(area)
    return dict(globals())
