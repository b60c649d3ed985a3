"""The Export session dialog on a damaged database: it opens, and Export shows the app's error dialog
saying the file is damaged and what can still be saved — no traceback, no package file."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from yingzao.core.store import driver
from yingzao.ui.i18n import Translator
from yingzao.ui.pack_dialog import PackDialog

from tests.core.test_pack_damaged import laptop_with_interviews, leftovers, overwrite_pages
from tests.laptops import laptop_template  # noqa: F401  (fixture)


def test_the_pack_dialog_on_a_damaged_database_says_so(qtbot, laptop_template, tmp_path, monkeypatch):  # noqa: F811
    db = laptop_with_interviews(laptop_template, tmp_path / "field.db")
    overwrite_pages(db, (0.5, 0.6, 0.7, 0.8))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.text(), box.informativeText())) or 0)
    dialog = PackDialog(db, Translator("zh"))
    qtbot.addWidget(dialog)
    # the counts may still be readable (they need few pages): the dialog opens either way
    dialog.path_edit.setText(str(tmp_path / "session.yzpack"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    message, hint = shown[0]
    assert f"{db} 已损坏" in message and "export 导出仍可读取的部分" in hint
    assert "已损坏" in dialog.result.text()
    assert dialog.export_button.isEnabled()  # the job has ended
    assert leftovers(tmp_path) == []


def test_the_pack_dialog_opens_on_a_database_the_store_refuses(qtbot, laptop_template, tmp_path, monkeypatch):  # noqa: F811
    db = laptop_with_interviews(laptop_template, tmp_path / "field.db", count=1)
    conn = driver.connect(db)
    conn.execute("DROP TABLE audit")
    conn.commit()
    conn.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    dialog = PackDialog(db, Translator("en"))
    qtbot.addWidget(dialog)
    assert "is damaged: missing" in dialog.counts.text() and "audit" in dialog.counts.text()
    dialog.path_edit.setText(str(tmp_path / "session.yzpack"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "is damaged" in shown[0]
    assert leftovers(tmp_path) == []
