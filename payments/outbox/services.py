"""Side effects that must happen once per (kind, subject), even when the task that makes them runs
twice (Celery redelivers a task whose worker died; ``acks_late`` makes that the normal case)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from payments.outbox.models import SentMessage


def send_once(*, kind: str, subject_key: str, send: Callable[[], None]) -> bool:
    """Call ``send`` unless a message of ``kind`` for ``subject_key`` was already sent; record it.

    The record is inserted, then ``send`` runs, then the transaction commits: a second run waits on
    the unique row and then skips; if ``send`` raises, the record is rolled back and a retry sends
    again. The one window left is a crash after ``send`` returned and before the commit (the mail
    went, the record did not): then the retry sends a second copy. Returns whether this call sent.
    """
    try:
        with transaction.atomic():
            SentMessage.objects.create(kind=kind, subject_key=subject_key[:200])
            send()
    except IntegrityError:
        return False
    return True
