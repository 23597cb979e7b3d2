"""Where registry rows come from.

A source yields ``SourceRow``s: a line number (or record number, for an API) and the row's values
keyed by the registry's column names. Validation and the sync are shared by every source, so
adding an API source means writing one class with ``name``, ``digest()`` and ``rows()``.

CSV files come from county offices, often saved by Chinese Excel, so the encoding is detected, not
assumed (ADR 0305): a byte-order mark decides (UTF-8, UTF-16); without one, UTF-8, else GB18030 (a
superset of GBK and GB2312). A file that is neither is refused on the line where it stops decoding.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

COLUMNS = (
    "household_id",
    "relation",
    "name",
    "gender",
    "id_number",
    "birth_date",
    "phone",
    "province",
    "city",
    "county",
    "township",
    "village",
    "poverty_cause",
    "registered_year",
    "status",
    "health_condition",
    "school_stage",
    "income_per_capita_cny",
)


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, str] | None  # None when the row could not be read at all
    problem: str = ""


class RegistrySource(Protocol):
    name: str

    def digest(self) -> str: ...

    def rows(self) -> Iterator[SourceRow]: ...


class ExportNotDecodable(ValueError):
    """The export's bytes are not text in any encoding we read; ``line`` is where decoding fails."""

    def __init__(self, *, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WITHOUT_BOM = ("utf-8", "gb18030")  # tried in this order; GB18030 decodes every GBK/GB2312 file


def _failing_line(data: bytes, error: UnicodeDecodeError) -> int:
    """The 1-based physical line holding the first byte that ``error`` could not decode."""
    return data[: error.start].decode(error.encoding, errors="replace").count("\n") + 1


def decode_export(*, data: bytes) -> tuple[str, str]:
    """The export's text and the encoding it was read in (a Python codec name).

    A BOM names the encoding (UTF-8, UTF-16 LE/BE: Excel's "Unicode text"); without one the file
    is read as UTF-8, else as GB18030 (Chinese Excel's "CSV"). Raises ``ExportNotDecodable`` with
    the line where the encoding that read furthest stopped, since that is the file's likely one.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise ExportNotDecodable(
                    line=_failing_line(data, error),
                    problem=f"is not valid {encoding.removesuffix('-sig').upper()} text, "
                    "although the file starts with its byte-order mark",
                ) from None
    failures = []
    for encoding in _WITHOUT_BOM:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except UnicodeDecodeError as error:
            failures.append(error)
    furthest = max(failures, key=lambda error: error.start)
    raise ExportNotDecodable(
        line=_failing_line(data, furthest),
        problem="cannot be read as UTF-8 or as GB18030 (GBK); "
        "save the file as “CSV UTF-8” and import it again",
    )


class CsvRegistrySource:
    """A CSV export with the registry's header row (line 1), in an encoding ``decode_export`` reads.

    Comma-separated, or tab-separated when the header has tabs and no commas (Excel's "Unicode
    text", which is UTF-16).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._data = self.path.read_bytes()

    def digest(self) -> str:
        return hashlib.sha256(self._data).hexdigest()

    def rows(self) -> Iterator[SourceRow]:
        try:
            text, _encoding = decode_export(data=self._data)
        except ExportNotDecodable as error:
            yield SourceRow(line=error.line, values=None, problem=error.problem)
            return
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            yield SourceRow(line=1, values=None, problem="the file is empty")
            return
        header = [h.strip() for h in header]
        if tuple(header) != COLUMNS:
            missing = [c for c in COLUMNS if c not in header]
            extra = [c for c in header if c not in COLUMNS]
            yield SourceRow(
                line=1,
                values=None,
                problem=f"unexpected header (missing: {', '.join(missing) or '-'}; "
                f"unknown: {', '.join(extra) or '-'})",
            )
            return
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(COLUMNS):
                yield SourceRow(
                    line=line,
                    values=None,
                    problem=f"has {len(record)} fields, expected {len(COLUMNS)}",
                )
                continue
            yield SourceRow(line=line, values={c: v.strip() for c, v in zip(COLUMNS, record, strict=True)})
