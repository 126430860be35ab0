"""Writing user text into a spreadsheet cell safely: shared by the self-evaluation workbook and the exports.

A text a user wrote is always a string cell: never a formula (openpyxl stores a value that starts with "=" as
one), never an error value ("#N/A"), without the control characters that make a workbook unreadable, and cut at
Excel's limit for one cell. A text that starts with "=", "+", "-", "@", a tab or a carriage return also gets
Excel's quote prefix, so that editing the cell in Excel or LibreOffice does not turn it into a formula either."""

from __future__ import annotations

import re

from openpyxl.cell.cell import Cell

#: What makes a spreadsheet program read a typed text as a formula (OWASP's "CSV injection" list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: What XML 1.0 (and so an xlsx part) cannot hold: C0 controls but tab, newline and carriage return; lone
#: surrogates; U+FFFE and U+FFFF. One of them in one cell makes the whole file unreadable.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell


def clean(text: str) -> str:
    """``text`` without the control characters a workbook may not hold, cut at Excel's limit for one cell."""
    return _ILLEGAL.sub("", text)[:MAX_CELL_TEXT]


def put_text(cell: Cell, text: str) -> None:
    """Write ``text`` as a string, never as a formula or an error value; with Excel's quote prefix where editing
    the cell would otherwise turn it into a formula."""
    text = clean(text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
