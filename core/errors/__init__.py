"""Every error a user can act on, in one place: this package, one module per area.

Each error carries *where* (file, sheet, row, column, question) and *what to do*, so the UI and the
command line can show it as it is, never as a traceback. Every module's errors are read from here
(`from yingzao.core import errors`; `errors.damaged_package(...)`), whichever module defines them.

The base (the language, `Text`, `YingzaoError`) is loaded with the package; the areas' modules when
a name of theirs is first read. Most runs of the app raise none of the catalogue's errors, and
loading all of it cost several milliseconds of every start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yingzao.core.errors.base import *

if TYPE_CHECKING:  # what the type checker reads; at run time the areas come with the first name read
    from yingzao.core.errors.coding import *
    from yingzao.core.errors.encryption import *
    from yingzao.core.errors.export import *
    from yingzao.core.errors.forms import *
    from yingzao.core.errors.packages import *
    from yingzao.core.errors.review import *
    from yingzao.core.errors.security import *
    from yingzao.core.errors.store import *


_AREAS = frozenset({"coding", "encryption", "export", "forms", "packages", "review", "security", "store"})


def __getattr__(name: str) -> Any:
    # an area's own name is its module, which the import system loads when it finds no such attribute
    if not name.startswith("__") and name not in _AREAS and every() and name in globals():
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def every() -> dict[str, Any]:
    """Every name of the catalogue, the areas' modules loaded (on the first name read that the base
    does not have, and for what walks the whole catalogue)."""
    from yingzao.core.errors import coding, encryption, export, forms, packages, review, security, store

    for area in (coding, encryption, export, forms, packages, review, security, store):
        globals().update({name: value for name, value in vars(area).items() if not name.startswith("_")})
    return dict(globals())
