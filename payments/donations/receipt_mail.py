"""Receipts sent in batches, on a queue of their own (ADR 0239).

A capture asks for its gift's receipt with ``receipt_on_commit``. Outside a drain that queues one
``send_receipts`` task for the gift once the capture commits, as before. Inside a drain's batch
(``receipts_collected``) the gifts whose capture commits are collected instead, and the batch
queues one ``send_receipts`` task with all of their ids after its commit: a gift whose handler
was rolled back to its savepoint is not in it (Django drops the on-commit callbacks of a
rolled-back savepoint), and a batch that rolls back queues nothing.

``receipts_send`` renders each language's templates once per batch, uses one mail connection
for the batch, and sends each gift's receipt once (``send_once``, key ``donation:<pk>``, the same
key as ever: a gift sent by an older single task or by the sweep is not sent again). The task
runs on the ``receipts`` queue (``CELERY_TASK_ROUTES``), so mail never holds a worker process a
drain needs. ``receipts_sweep`` still sends any receipt that was never sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.template.loader import get_template
from django.utils import translation

from campaigns.site_mail import send_site_mail
from campaigns.site_name import from_address
from payments.donations.models import Donation
from payments.outbox.queueing import enqueue, enqueue_on_commit
from payments.outbox.services import send_once

log = logging.getLogger(__name__)

_collecting = threading.local()


def receipt_on_commit(donation_pk: int) -> None:
    """Have the receipt of a gift sent once the current transaction commits: collected into the
    drain's batch inside ``receipts_collected``, else one ``send_receipts`` task of its own."""
    from payments.donations.tasks import send_receipts

    ids = getattr(_collecting, "ids", None)
    if ids is None:
        enqueue_on_commit(send_receipts, [donation_pk])
    else:
        transaction.on_commit(lambda: ids.append(donation_pk))


@contextmanager
def receipts_collected() -> Iterator[list[int]]:
    """Collect the receipts asked for inside the block (``receipt_on_commit``) instead of queueing
    one task each. The caller, still inside its transaction and after every capture of the batch,
    calls ``receipts_queue_on_commit`` with the list: its callback is registered after the
    gifts' own, so it runs after they have added their ids."""
    ids: list[int] = []
    previous = getattr(_collecting, "ids", None)
    _collecting.ids = ids
    try:
        yield ids
    finally:
        _collecting.ids = previous


def receipts_queue_on_commit(ids: list[int]) -> None:
    """After the current transaction commits, queue one ``send_receipts`` with the collected ids
    (nothing if none). A lost message (broker down) is left to ``receipts_sweep``."""
    from payments.donations.tasks import send_receipts

    def queue() -> None:
        if ids:
            enqueue(send_receipts, list(ids))

    transaction.on_commit(queue)


def receipts_send(donation_pks: Sequence[int]) -> int:
    """Send the receipt of each captured gift of ``donation_pks`` not sent yet, in the gift's
    language, with the signed link to the donor's own page. Returns how many this call sent.

    One query reads the gifts with their donors and campaigns; each language's subject and body
    templates and From header are loaded once; one mail connection serves the batch. Gifts not
    captured (a capture rolled back after it was collected) and offline gifts whose donor gave no
    email are skipped. Each receipt is sent once (``send_once``): the first mail that fails
    (SMTP down) raises, after the receipts before it were recorded; the rest are left to the
    retry and to ``receipts_sweep``.
    """
    from payments.donations.services import reachable_by_mail

    gifts = list(
        Donation.objects.filter(pk__in=set(donation_pks), captured_at__isnull=False)
        .select_related("donor", "campaign", "offline")  # offline: the day it was received
        .order_by("language", "pk")
    )
    if not gifts:
        return 0
    sent = 0
    loaded: dict[str, tuple] = {}  # language → (subject template, body template, From header)
    mail = get_connection(fail_silently=False)
    try:
        for gift in gifts:
            if not reachable_by_mail(gift.donor.email):  # an offline gift whose donor gave no email
                continue
            language = gift.language or settings.LANGUAGE_CODE
            if language not in loaded:
                with translation.override(language):
                    loaded[language] = (
                        get_template("payments/email/receipt_subject.txt"),
                        get_template("payments/email/receipt.txt"),
                        from_address(),
                    )
            sent += send_once(kind="receipt", subject_key=f"donation:{gift.pk}",
                              send=partial(_receipt_mail, gift, language, *loaded[language], mail))  # fmt: skip
    finally:
        mail.close()
    return sent


def _receipt_mail(gift: Donation, language: str, subject_template, body_template, sender: str, mail) -> None:
    from payments.donations.donor_links import donor_page_url

    with translation.override(language):
        values = {"donation": gift, "donor_url": donor_page_url(gift.donor)}
        subject = subject_template.render(values).strip()
        body = body_template.render(values)
    mail.open()  # once for the batch: a connection already open is kept (SMTP), no-op elsewhere
    send_site_mail(subject, body, sender, [gift.donor.email], connection=mail)
