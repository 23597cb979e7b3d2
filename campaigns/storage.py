"""Private file storage for verification evidence: outside MEDIA_ROOT, never served directly."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    # A callable so that tests (and production) can move PRIVATE_STORAGE_ROOT without a migration.
    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT, base_url=None)
