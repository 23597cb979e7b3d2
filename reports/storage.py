"""Where report PDFs live: a private folder outside MEDIA_ROOT, never served by the web server.

Files are reached only through ``reports.views``, which decide who may read them.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateReportStorage(FileSystemStorage):
    """``PRIVATE_STORAGE_ROOT/reports``, read from settings at each use.

    Read lazily so that tests and workers pointing the private root elsewhere are honoured.
    Overwriting is allowed because file names are deterministic per run: a retried task writes
    the same name again instead of leaving ``name_abc123.pdf`` orphans behind.
    """

    def __init__(self) -> None:
        super().__init__(allow_overwrite=True)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return os.path.join(str(settings.PRIVATE_STORAGE_ROOT), "reports")

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None  # never a public URL


def private_report_storage() -> PrivateReportStorage:
    return PrivateReportStorage()
