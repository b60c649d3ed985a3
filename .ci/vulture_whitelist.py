"""Names vulture cannot see used: `python -m vulture core ui main.py .ci/vulture_whitelist.py`.

Only names something outside our code calls or reads belong here (Qt, openpyxl, sqlite3, the
packaging metadata); a name only the tests use is not listed, so it stays visible."""

# ruff: noqa: B018, F821
# Qt calls these overrides and reads these arguments
_.sizeHint
_.paintEvent
_.filterAcceptsRow
source_parent
# openpyxl reads these attributes when it writes the workbook
_.freeze_panes
_.number_format
_.fill
_.alignment
_.border
_.style
_.data_type
_._get_writer
# sqlite3 reads the connection's text factory
_.text_factory
# a context manager's __exit__ receives the exception whether or not it looks at it
exc
# dataclass fields filled from SELECT rows, in column order
opened_at
updated_by
# the gui-scripts entry point in pyproject.toml
gui
# objects kept alive for as long as their window is
_._backup_job
_.font_notice
