"""Every error a user can act on, in one place: this package, one module per area.

Each error carries *where* (file, sheet, row, column, question) and *what to do*, so the UI and the
command line can show it as it is, never as a traceback. Every module's errors are read from here
(`from yingzao.core import errors`; `errors.damaged_package(...)`), whichever module defines them.
"""

from __future__ import annotations

from yingzao.core.errors.base import *
from yingzao.core.errors.coding import *
from yingzao.core.errors.encryption import *
from yingzao.core.errors.export import *
from yingzao.core.errors.forms import *
from yingzao.core.errors.packages import *
from yingzao.core.errors.review import *
from yingzao.core.errors.security import *
from yingzao.core.errors.store import *
