"""Private file storage (verification evidence, payout proofs, reports): folders under
``PRIVATE_STORAGE_ROOT``, outside MEDIA_ROOT, never given a public URL. Files are reached only
through views that decide who may read them."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """``PRIVATE_STORAGE_ROOT/<subfolder>``, read from settings at each use, so tests and workers
    that point the private root elsewhere are honoured without a migration."""

    def __init__(self, subfolder: str = "", **kwargs) -> None:
        self.subfolder = subfolder
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return os.path.join(str(settings.PRIVATE_STORAGE_ROOT), self.subfolder)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None  # never a public URL


def private_storage() -> PrivateStorage:
    return PrivateStorage()
