"""Every text question of a shipped protocol says whether it identifies (an anonymised export must
know whether to drop its answers); other forms are only warned. And the jieba segmenter is loaded on
first use, never at start-up, and works when it cannot write its cache."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap

import openpyxl
import pytest

from yingzao.core import errors, paths
from yingzao.core.errors import Problem
from yingzao.core.forms import loader
from yingzao.core.forms.check import check_forms
from yingzao.core.forms.loader import load_protocol

from tests.forms import write_xlsform

FORM = """
| survey |
| | type | name | label::中文 (zh) | identifying |
| | text | q_named | 问题一 | no |
| | text | q_silent | 问题二 | |
| settings |
| | form_id | version | respondent_role |
| | t_form | 1 | cadre |
"""


def test_another_form_with_an_unflagged_text_question_loads_with_a_warning(tmp_path):
    path = write_xlsform(tmp_path / "mine.xlsx", FORM)
    warnings: list[Problem] = []
    load_protocol(path, warnings=warnings)
    assert [(w.row, w.column) for w in warnings] == [(3, "identifying")]
    assert "q_silent" in str(warnings[0]) and "identifying" in str(warnings[0])
    out = io.StringIO()
    assert check_forms([path], None, out) == 0
    assert "警告" in out.getvalue() and "q_silent" in out.getvalue()


def test_a_shipped_form_with_an_unflagged_text_question_is_refused(tmp_path, monkeypatch):
    path = write_xlsform(tmp_path / "protocol_x.xlsx", FORM)
    monkeypatch.setattr(loader.paths, "FORMS_DIR", tmp_path)
    with pytest.raises(errors.FormError) as refused:
        load_protocol(path)
    assert [p.row for p in refused.value.problems] == [3]


@pytest.mark.parametrize("path", paths.shipped_protocols(), ids=lambda p: p.name)
def test_every_shipped_text_question_says_yes_or_no(path):
    sheet = openpyxl.load_workbook(path)["survey"]
    header = [c.value for c in sheet[1]]
    kind, name, flag = header.index("type"), header.index("name"), header.index("identifying")
    flags = {row[name]: row[flag] for row in sheet.iter_rows(min_row=2, values_only=True) if row[kind] == "text"}
    assert flags and set(flags.values()) <= {"yes", "no"}
    expected = (
        {"close_field_note", "resp_case_other"}
        if path.name.startswith("protocol_")
        else {"park_name", "leading_enterprises"}
    )
    assert {q for q in expected if flags.get(q) == "yes"} == expected


def _run(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_the_segmenter_is_not_loaded_by_starting_the_app_or_exporting():
    printed = _run(
        """
        import sys
        from yingzao import main
        from yingzao.ui import main_window, export_dialog
        from yingzao.core.export import workbook
        from yingzao.core.anonymity import review, detect
        print("jieba" in sys.modules)
        """
    )
    assert printed.strip() == "False"


def test_the_segmenter_works_when_its_cache_cannot_be_written(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the temp folder should be")
    printed = _run(
        f"""
        import tempfile
        tempfile.tempdir = {str(blocked)!r}
        from yingzao.core.anonymity import names
        print(sorted({{w for w, _c, _s in names.entities("华为和京东方在邛崃")}}))
        """
    )
    assert printed.strip() == "['京东方', '华为', '邛崃']"  # and nothing else printed: no traceback
    assert blocked.read_text() == "a file where the temp folder should be"
