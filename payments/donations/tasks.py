"""Celery tasks of gifts: monthly renewals, receipts and notices. Thin: each calls one service.
Task names are stable (``payments.tasks.*``) so queued messages survive module moves."""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from campaigns.site_mail import send_site_mail
from campaigns.site_name import from_address
from payments.donations.models import Donation, MonthlyPlan
from payments.outbox.services import send_once


@shared_task(name="payments.tasks.monthly_renewals", ignore_result=True)
def monthly_renewals() -> dict[str, int]:
    from payments.donations.monthly import monthly_renewals_run

    return monthly_renewals_run()


def _mail(*, template: str, to: str, language: str, context: Callable[[], dict]) -> None:
    """Render and send in ``language``: subject, body and the links ``context`` builds (the donor
    page's URL carries the language's prefix)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        values = context()
        subject = render_to_string(f"payments/email/{template}_subject.txt", values).strip()
        body = render_to_string(f"payments/email/{template}.txt", values)
        sender = from_address()
    send_site_mail(subject, body, sender, [to])


@shared_task(name="payments.tasks.send_receipts", ignore_result=True, acks_late=True)
def send_receipts(donation_pks: list[int]) -> int:
    """The receipts of a batch of captured gifts (ids), each once, each in its gift's language,
    with the signed link to the donor's own page (ADR 0239). Routed to the ``receipts`` queue."""
    from payments.donations.receipt_mail import receipts_send

    return receipts_send(donation_pks)


@shared_task(name="payments.tasks.send_receipt", ignore_result=True)
def send_receipt(donation_pk: int) -> None:
    """One gift's receipt. Nothing queues it any more (captures queue ``send_receipts``); kept so
    that messages queued before ADR 0239 still run."""
    from payments.donations.receipt_mail import receipts_send

    receipts_send([donation_pk])


@shared_task(name="payments.tasks.receipts_sweep", ignore_result=True)
def receipts_sweep(within_hours: int = 48, older_than_seconds: int = 60) -> int:
    """Send the receipt of every gift captured in the last ``within_hours`` whose receipt was never
    sent: its task could not be queued while the broker (Redis) was down, and nothing else would
    send it (ADR 0007). Gifts captured in the last ``older_than_seconds`` are left to their own
    task. Once only per gift (``send_once``). Runs on a schedule and each time the worker
    (re)connects. Returns how many gifts it looked at (500 at most a run)."""
    from datetime import timedelta

    from django.db.models import CharField, Exists, OuterRef, Value
    from django.db.models.functions import Cast, Concat
    from django.utils import timezone

    from payments.outbox.models import SentMessage

    now = timezone.now()
    key = Concat(Value("donation:"), Cast(OuterRef("pk"), CharField()))
    missing = list(
        Donation.objects.filter(
            captured_at__gte=now - timedelta(hours=within_hours),
            captured_at__lte=now - timedelta(seconds=older_than_seconds),
        )
        .exclude(Exists(SentMessage.objects.filter(kind="receipt", subject_key=key)))
        .order_by("captured_at")
        .values_list("pk", flat=True)[:500]
    )
    from payments.donations.receipt_mail import receipts_send

    receipts_send(missing)
    return len(missing)


@shared_task(name="payments.tasks.send_monthly_notice", ignore_result=True)
def send_monthly_notice(plan_pk: int, notice: str, occurrence: str = "") -> None:
    """Tell the donor that a renewal failed, that the plan lapsed, or that it was cancelled; once per
    (plan, notice, occurrence), where ``occurrence`` tells one failed renewal from the next."""
    from payments.donations.donor_links import donor_page_url

    plan = MonthlyPlan.objects.select_related("donor", "campaign").get(pk=plan_pk)
    context = lambda: {"plan": plan, "donor_url": donor_page_url(plan.donor)}  # noqa: E731
    send_once(kind=f"monthly_{notice}", subject_key=f"plan:{plan.pk}:{occurrence}",
              send=lambda: _mail(template=f"monthly_{notice}", to=plan.donor.email, language=plan.language,
                                 context=context))  # fmt: skip
