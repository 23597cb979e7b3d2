"""Celery tasks of gifts: monthly renewals, receipts and notices. Thin: each calls one service.
Task names are stable (``payments.tasks.*``) so queued messages survive module moves."""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

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
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@shared_task(name="payments.tasks.send_receipt", ignore_result=True)
def send_receipt(donation_pk: int) -> None:
    """The receipt, with the signed link to the donor's own page, in the language of the gift."""
    from payments.donations.donor_links import donor_page_url

    donation = Donation.objects.select_related("donor", "campaign").get(pk=donation_pk)
    context = lambda: {"donation": donation, "donor_url": donor_page_url(donation.donor)}  # noqa: E731
    send_once(kind="receipt", subject_key=f"donation:{donation.pk}",
              send=lambda: _mail(template="receipt", to=donation.donor.email, language=donation.language,
                                 context=context))  # fmt: skip


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
