"""The study's protocols (XLSForm workbooks) and codebook, as data a researcher edits in Excel.

This file only makes the folder findable as package data (importlib.resources) once installed."""
