"""Celery tasks of the donations area. Thin: each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from payments.models import Donation, MonthlyPlan


@shared_task(ignore_result=True)
def webhook_process_task(event_pk: int) -> str:
    from payments.services.webhooks import webhook_process

    return webhook_process(event_pk=event_pk)


@shared_task(ignore_result=True)
def webhook_sweep() -> int:
    """Retry events that failed or whose task was lost."""
    from payments.services.webhooks import webhook_process, webhook_retry_ids

    ids = webhook_retry_ids()
    for pk in ids:
        webhook_process(event_pk=pk)
    return len(ids)


@shared_task(ignore_result=True)
def outbox_run(command_pk: int) -> str:
    from payments.services.refunds import outbox_execute

    return outbox_execute(command_id=command_pk)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    from payments.services.refunds import outbox_due_ids, outbox_execute

    ids = outbox_due_ids()
    for pk in ids:
        outbox_execute(command_id=pk)
    return len(ids)


@shared_task(ignore_result=True)
def monthly_renewals() -> dict[str, int]:
    from payments.services.monthly import monthly_renewals_run

    return monthly_renewals_run()


@shared_task(ignore_result=True)
def all_or_nothing_deadlines() -> dict[str, int]:
    from payments.services.all_or_nothing import all_or_nothing_settle

    return all_or_nothing_settle()


def _mail(*, template: str, to: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"payments/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"payments/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@shared_task(ignore_result=True)
def send_receipt(donation_pk: int) -> None:
    """The receipt, with the signed link to the donor's own page."""
    from payments.services.donor_links import donor_page_url

    donation = Donation.objects.select_related("donor", "campaign").get(pk=donation_pk)
    _mail(template="receipt", to=donation.donor.email,
          context={"donation": donation, "donor_url": donor_page_url(donation.donor)})  # fmt: skip


@shared_task(ignore_result=True)
def send_monthly_notice(plan_pk: int, notice: str) -> None:
    """Tell the donor that a renewal failed, that the plan lapsed, or that it was cancelled."""
    from payments.services.donor_links import donor_page_url

    plan = MonthlyPlan.objects.select_related("donor", "campaign").get(pk=plan_pk)
    _mail(template=f"monthly_{notice}", to=plan.donor.email,
          context={"plan": plan, "donor_url": donor_page_url(plan.donor)})  # fmt: skip
