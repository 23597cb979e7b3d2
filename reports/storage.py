"""Where report PDFs live: ``PRIVATE_STORAGE_ROOT/reports``, served only through ``reports.views``.

Overwriting is allowed because file names are deterministic per run: a retried task writes the
same name again instead of leaving ``name_abc123.pdf`` orphans behind.
"""

from __future__ import annotations

from campaigns.storage import PrivateStorage


def private_report_storage() -> PrivateStorage:
    return PrivateStorage("reports", allow_overwrite=True)
