"""Where registry rows come from.

A source yields ``SourceRow``s: a line number (or record number, for an API) and the row's values
keyed by the registry's column names. Validation and the sync are shared by every source, so
adding an API source means writing one class with ``name``, ``digest()`` and ``rows()``.
"""

from __future__ import annotations

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


class CsvRegistrySource:
    """A UTF-8 CSV export with the registry's header row (line 1)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._data = self.path.read_bytes()

    def digest(self) -> str:
        return hashlib.sha256(self._data).hexdigest()

    def rows(self) -> Iterator[SourceRow]:
        text = self._data.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""))
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
