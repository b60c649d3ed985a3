"""The Excel workbook for researchers, anonymisation, safe cell text."""
