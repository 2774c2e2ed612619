"""Spreadsheet exports that a spreadsheet cannot execute (CSV and formula injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed is read
by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, DDE). Company
names, notes and titles come from users and imports, so every CSV and XLSX writer in the project passes
its cells through this module:

- CSV: :func:`safe_cell` prefixes such text with a single quote ``'``, which spreadsheets show as text.
- XLSX: :func:`append_row` writes such text as a string cell (``data_type 's'``, never ``'f'``: openpyxl
  would otherwise store any string starting with ``=`` as a formula) with the quote-prefix style.

Numbers stay numbers: a negative int, float or Decimal is not text and is written unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value):
    """The value for a CSV cell: text that a spreadsheet would run as a formula gets a leading ``'``."""
    if is_formula_like(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]


def append_row(ws, values: Iterable) -> None:
    """Append a row to an openpyxl worksheet; text is always a string cell, never a formula."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = Cell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True
        cells.append(cell)
    ws.append(cells)


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(filename: str) -> str:
    """A ``Content-Disposition`` value for a download whose name is built from data (a country code, a name).

    Anything but ASCII letters, digits, '.', '_' and '-' becomes '_': a quote or line break from the
    data can neither end the header nor add one (Django refuses a header with a line break: a 500).
    """
    safe = _UNSAFE_FILENAME.sub("_", filename).strip("._") or "download"
    return f'attachment; filename="{safe[:150]}"'
