"""The Export dialog on a damaged database: it opens, exports what can be read, and says that the
database is damaged and where the file lists what is missing."""

from __future__ import annotations

import shutil

import openpyxl

from yingzao.core.store import driver
from yingzao.ui.export_dialog import ExportDialog
from yingzao.ui.i18n import Translator

from tests.export_study import build_study, table


def test_a_damaged_database_still_exports_its_readable_part(qtbot, tmp_path):
    study = build_study(tmp_path / "study.db")
    db = tmp_path / "damaged.db"
    shutil.copyfile(study.path, db)  # the study's store is closed: the copy is the whole database
    conn = driver.connect(db)
    conn.execute("DROP TABLE paradata")
    conn.commit()
    conn.close()
    dialog = ExportDialog(None, db, Translator("en"))  # the store refuses the file; the dialog still opens
    qtbot.addWidget(dialog)
    dialog.show()
    assert list(dialog.community_boxes) == ["A", "B", "C"]
    out = tmp_path / "out.xlsx"
    dialog.path_edit.setText(str(out))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    text = dialog.status.text()
    assert "Exported 6 interviews" in text and "the database is damaged" in text and "paradata" in text
    assert len(table(openpyxl.load_workbook(out)["Interviews"])) == 6
    dialog.done(0)
