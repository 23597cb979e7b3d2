"""Write an export's rows as CSV (a generator of lines, for ``StreamingHttpResponse``) or XLSX
(openpyxl's write-only workbook into a temporary file: rows go to disk as they come, memory does
not grow with the range). ADR 0411."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import IO

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from payments.exports.cells import Cell, neutralised

CSV_BOM = "\ufeff"  # so that Excel opens UTF-8 (Chinese headers) as UTF-8


class _Echo:
    """A file-like object whose ``write`` returns the line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _csv_text(cell: Cell) -> str | Decimal | int:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    return cell


def csv_lines(headers: list[str], rows: Iterable[list[Cell]]) -> Iterator[str]:
    """The CSV text, one line at a time (the first starts with a UTF-8 BOM). Decimals are written
    as their exact text ("1234.50"), never through a float."""
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_csv_text(cell) for cell in row])


def xlsx_file(title: str, headers: list[str], rows: Iterable[list[Cell]]) -> IO[bytes]:
    """An XLSX workbook of one sheet in an anonymous temporary file, rewound; the caller closes it.
    Amounts are numeric cells with two decimals (Decimal, not float, handed to openpyxl); moments
    are date-time cells."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response, which closes it)
    workbook.save(out)
    out.seek(0)
    return out


def _xlsx_cell(sheet, cell: Cell):
    if isinstance(cell, Decimal):
        written = WriteOnlyCell(sheet, value=cell)
        places = -int(cell.as_tuple().exponent)
        written.number_format = "0." + "0" * places if places > 0 else "0"
        return written
    if isinstance(cell, datetime):
        written = WriteOnlyCell(sheet, value=cell)
        written.number_format = "yyyy-mm-dd hh:mm:ss"
        return written
    if isinstance(cell, str):
        # Control characters are not allowed in XML; text already neutralised stays a string
        # (openpyxl would store a value starting with "=" as a formula).
        return neutralised(ILLEGAL_CHARACTERS_RE.sub("", cell))
    return cell
