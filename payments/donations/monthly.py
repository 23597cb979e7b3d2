"""Monthly gifts: the saved card is charged off-session once a month by a scheduled job.

Why not Stripe Billing: our ledger must see each renewal as its own gift (its own Donation row,
idempotency key and escrow entry) and localstripe emits no ``invoice.paid``; an off-session
PaymentIntent per month is the same path as a one-off gift. See ADR 0203.

Each renewal attempt is a Donation keyed ``monthly:<plan>:<date>``; a failed attempt moves the
plan's ``next_charge_on`` forward by ``PAYMENTS_MONTHLY_RETRY_DAYS`` (so the retry has a new key)
and tells the donor; after ``PAYMENTS_MONTHLY_MAX_FAILURES`` failures in a row the plan lapses.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.gift_bounds import gift_amount_check
from campaigns.models.campaign import GIVING_STATUSES
from campaigns.money import Money
from campaigns.site_time import site_date, site_today
from campaigns.state_tables import TransitionNotAllowed
from campaigns.verification.selectors import campaign_accepts_donations
from payments.donations.models import Donation, DonationStatus, DonorProfile, MonthlyPlan
from payments.donations.models import MonthlyPlanStatus as P
from payments.donations.states import (
    MONTHLY_PLAN_STATES,
    donation_begin,
    donation_transition,
    monthly_plan_transition,
)
from payments.gateway.card import GatewayError
from payments.outbox.queueing import enqueue_on_commit

log = logging.getLogger(__name__)


def next_month(day: date, anchor_day: int) -> date:
    """The month after ``day``, on ``anchor_day`` clamped to that month's length: with anchor 31,
    31 Jan → 28/29 Feb → 31 Mar (the anchor is kept, so a short month never drifts the day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def plan_anchor_day(plan: MonthlyPlan) -> int:
    """The day of the month the plan renews on: the site-time day (ADR 0004) of its first gift's
    capture. A gift captured on 14 Jan 23:00 UTC, i.e. 15 Jan 07:00 in Beijing, renews on the
    15th. Falls back to the plan's creation, which happens in the capture's transaction."""
    first = (
        Donation.objects.filter(monthly_plan=plan, captured_at__isnull=False)
        .order_by("captured_at", "pk")
        .values_list("captured_at", flat=True)
        .first()
    )
    return site_date(first or plan.created_at).day


def monthly_plan_start_for(*, donation: Donation) -> MonthlyPlan:
    """Create the plan behind a first monthly gift that has just been captured (inside its
    transaction). The first renewal falls a month after the gift's site-time date of capture."""
    today = site_date(donation.captured_at) if donation.captured_at else site_today()
    plan = MonthlyPlan.objects.create(
        donor=donation.donor,
        campaign=donation.campaign,
        amount_minor=donation.amount_minor,
        currency=donation.currency,
        provider_customer_id=donation.donor.provider_customer_id,
        provider_payment_method_id=donation.provider_payment_method_id,
        language=donation.language,
        next_charge_on=next_month(today, today.day),
    )
    Donation.objects.filter(pk=donation.pk).update(monthly_plan=plan)
    donation.monthly_plan = plan
    return plan


def monthly_plan_cancel(*, plan: MonthlyPlan, donor: DonorProfile) -> MonthlyPlan:
    """Stop a monthly gift at the donor's request. Raises ``PermissionDenied`` if the plan is not
    this donor's. Cancelling twice is harmless."""
    if plan.donor_id != donor.pk:
        raise PermissionDenied(_("This monthly gift is not yours."))
    with transaction.atomic():
        plan = MonthlyPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == P.CANCELLED:
            return plan
        plan.cancelled_at = timezone.now()
        monthly_plan_transition(plan, P.CANCELLED, reason="cancelled by the donor", fields=("cancelled_at",))
    from payments.donations.tasks import send_monthly_notice

    enqueue_on_commit(send_monthly_notice, plan.pk, "cancelled")
    return plan


def _own_plan_locked(*, plan: MonthlyPlan, donor: DonorProfile) -> MonthlyPlan:
    if plan.donor_id != donor.pk:
        raise PermissionDenied(_("This monthly gift is not yours."))
    return MonthlyPlan.objects.select_for_update().get(pk=plan.pk)


def monthly_plan_pause(*, plan: MonthlyPlan, donor: DonorProfile) -> MonthlyPlan:
    """Pause a running monthly gift at the donor's request: nothing is charged until they resume.
    Raises ``PermissionDenied`` (not this donor's) or ``TransitionNotAllowed`` (cancelled, lapsed,
    ended). Pausing twice is harmless."""
    with transaction.atomic():
        plan = _own_plan_locked(plan=plan, donor=donor)
        if plan.status != P.PAUSED:
            monthly_plan_transition(plan, P.PAUSED, reason="paused by the donor")
    return plan


def monthly_plan_resume(*, plan: MonthlyPlan, donor: DonorProfile, today: date | None = None) -> MonthlyPlan:
    """Resume a paused monthly gift. Months missed while paused are not charged: the next renewal
    is the first renewal day (the plan's anchor day) after ``today`` (site time) if the planned
    one has passed. Failures counted before the pause are kept: a plan paused while past due
    resumes past due, so a card that keeps failing still lapses (review finding 11). Raises
    ``PermissionDenied`` or ``TransitionNotAllowed`` (not paused: resuming a running plan would
    skip its due month or forget its failures)."""
    today = today or site_today()
    with transaction.atomic():
        plan = _own_plan_locked(plan=plan, donor=donor)
        if plan.status != P.PAUSED:
            raise TransitionNotAllowed(_("Only a paused monthly gift can be resumed."))
        if plan.next_charge_on <= today:
            plan.next_charge_on = next_month(today, plan_anchor_day(plan))
        to = P.PAST_DUE if plan.failures else P.ACTIVE
        monthly_plan_transition(plan, to, reason="resumed by the donor", fields=("next_charge_on",))
    return plan


def monthly_plan_change_amount(*, plan: MonthlyPlan, donor: DonorProfile, amount: Money) -> MonthlyPlan:
    """Change what a running or paused monthly gift charges from its next renewal on. Raises
    ``PermissionDenied``, or ``ValidationError`` for another currency, a stopped plan, or an
    amount under the campaign's minimum gift or over the largest gift (``gift_amount_check``, the
    same rule as the gift form). Audited."""
    from campaigns.services import audit

    with transaction.atomic():
        plan = _own_plan_locked(plan=plan, donor=donor)
        if plan.status not in (P.ACTIVE, P.PAST_DUE, P.PAUSED):
            raise ValidationError(_("This monthly gift has stopped; start a new one instead."))
        if amount.currency != plan.currency:
            raise ValidationError(_("The amount must be in %(currency)s.") % {"currency": plan.currency})
        gift_amount_check(campaign=plan.campaign, amount=amount)
        before = plan.amount_minor
        plan.amount_minor = amount.to_minor()
        plan.save(update_fields=["amount_minor"])
        audit(actor=None, action="monthly.amount_changed", subject=plan, reason="changed by the donor",
              data={"from_minor": before, "to_minor": plan.amount_minor})  # fmt: skip
    return plan


def monthly_plan_card_setup_start(
    *, plan: MonthlyPlan, donor: DonorProfile, client_ip: str | None = None
) -> str:
    """Start a new card for a running or paused monthly gift: a card setup (SetupIntent) for the
    plan's customer, whose client secret the donor's browser confirms with the card. Returns the
    client secret. The plan charges its old card until ``monthly_plan_card_setup_finish``.

    The secret confirms cards at the provider without us, so it is guarded like a gift's card
    form (ADR 0011, review finding 1): the client and donor count as a payment attempt against the
    intake's limits, a client cooling off after refused cards gets none, and the setup is recorded
    (``CardSetup`` with the plan and ``client_ip``) so refused cards on it are counted, it is
    cancelled after a few, and the client cools off.
    Raises ``PermissionDenied``, ``AttemptBlocked`` (limits, cooling: ``retry_after`` seconds),
    ``ValidationError`` (stopped plan) or the gateway's errors."""
    import uuid

    from payments.donations.card_testing import card_setup_record
    from payments.donations.protection import attempt_check
    from payments.gateway.card import get_gateway

    with transaction.atomic():
        plan = _own_plan_locked(plan=plan, donor=donor)
        if plan.status not in (P.ACTIVE, P.PAST_DUE, P.PAUSED):
            raise ValidationError(_("This monthly gift has stopped; start a new one instead."))
        attempt_check(ip=client_ip or "", email=donor.email)
        # Each request for a new card is its own setup (the key names the request).
        setup = get_gateway().setup_intent_create(
            customer_id=plan.provider_customer_id, key=f"plan-card:{plan.pk}:{uuid.uuid4().hex}",
            payment_method_types=["card"],
        )  # fmt: skip
        plan.card_setup_intent_id = setup.id
        plan.save(update_fields=["card_setup_intent_id"])
        card_setup_record(plan=plan, setup_intent_id=setup.id, client_ip=client_ip)
    return setup.client_secret


def monthly_plan_card_setup_finish(*, plan: MonthlyPlan, donor: DonorProfile) -> MonthlyPlan:
    """Make the card the donor confirmed on the plan's card setup the one its renewals charge,
    once the provider says the setup succeeded (re-fetched, never taken from the browser). Raises
    ``PermissionDenied`` or ``ValidationError`` (no setup, or not succeeded: the old card stays).
    Audited ``monthly.card_updated``."""
    from campaigns.services import audit
    from payments.gateway.card import get_gateway

    with transaction.atomic():
        plan = _own_plan_locked(plan=plan, donor=donor)
        if not plan.card_setup_intent_id:
            raise ValidationError(_("No new card was started for this monthly gift."))
        setup = get_gateway().setup_intent_retrieve(plan.card_setup_intent_id)
        if setup.status != "succeeded" or not setup.payment_method_id:
            raise ValidationError(_("The new card was not saved; your monthly gift still uses the old one."))
        plan.provider_payment_method_id = setup.payment_method_id
        plan.card_setup_intent_id = ""
        plan.save(update_fields=["provider_payment_method_id", "card_setup_intent_id"])
        audit(actor=None, action="monthly.card_updated", subject=plan, reason="new card set up by the donor",
              data={"setup_intent": setup.id})  # fmt: skip
    return plan


def _campaign_closed_for_good(campaign, *, today: date) -> bool:
    """The campaign will never take gifts again: no longer live or funded, or past its deadline."""
    return campaign.status not in GIVING_STATUSES or campaign.is_past_deadline(today)


def monthly_plan_end(*, plan: MonthlyPlan) -> MonthlyPlan:
    """End a running plan whose campaign stopped taking gifts for good, and tell the donor once.
    Nothing more is charged. Idempotent."""
    from payments.donations.tasks import send_monthly_notice

    with transaction.atomic():
        plan = MonthlyPlan.objects.select_for_update().get(pk=plan.pk)
        if not plan.is_running:
            return plan
        monthly_plan_transition(plan, P.ENDED, reason="the campaign stopped taking gifts")
        enqueue_on_commit(send_monthly_notice, plan.pk, "ended")
    return plan


# Every status from which the table lets a plan end with its campaign (active, past due, paused).
_ENDS_WITH_CAMPAIGN = tuple(
    status for status in P.values if status != P.ENDED and MONTHLY_PLAN_STATES.may(current=status, to=P.ENDED)
)

_END_PLANS_SQL = """
WITH ended AS (
    UPDATE payments_monthlyplan AS plan SET status = %(ended)s
    FROM payments_monthlyplan AS before
    WHERE before.id = plan.id AND plan.campaign_id = %(campaign)s AND plan.status = ANY(%(from)s)
    RETURNING plan.id, before.status AS previous
)
INSERT INTO campaigns_auditevent (at, actor_id, action, subject_type, subject_id, reason, data)
SELECT now(), NULL, %(action)s, %(subject_type)s, ended.id::text, %(reason)s,
       jsonb_build_object('from', ended.previous, 'to', %(ended)s::text)
FROM ended
RETURNING subject_id
"""


def monthly_plans_end_with_campaign(*, campaign_id: int) -> list[int]:
    """End every monthly gift of a campaign that stopped taking gifts for good (closed, failed),
    paused ones included, at once rather than at their next renewal; returns the plans' ids.

    One statement, whatever the number of plans: it moves each plan whose status may go to
    ``ended`` (``MONTHLY_PLAN_STATES``) and appends its audit event ``monthly.ended``, as
    ``monthly_plan_transition`` would. Each donor is told once, in the plan's language
    (``send_monthly_notice`` "ended", after commit). Call inside the closing transaction
    (``campaigns.signals.campaign_stopped_giving``); idempotent (ended plans are left alone).
    """
    from payments.donations.tasks import send_monthly_notice

    with connection.cursor() as cursor:
        cursor.execute(_END_PLANS_SQL, {
            "ended": P.ENDED.value, "campaign": campaign_id, "from": list(_ENDS_WITH_CAMPAIGN),
            "action": f"monthly.{P.ENDED.value}", "subject_type": MonthlyPlan._meta.label,
            "reason": "the campaign stopped taking gifts",
        })  # fmt: skip
        ended = sorted(int(row[0]) for row in cursor.fetchall())
    for plan_id in ended:
        enqueue_on_commit(send_monthly_notice, plan_id, "ended")
    return ended


def monthly_renewal_charge(*, plan: MonthlyPlan, today: date) -> str:
    """Charge one due plan. Returns ``succeeded``, ``failed``, ``pending`` or ``skipped``.

    Safe to run twice for the same day: the renewal's Donation and the provider call share the
    key ``monthly:<plan>:<date>``. ``today`` is a site-time date; the campaign's rules (deadline,
    paused gifts) are checked against the later of it and the site's date right now.
    """
    from payments.donations.services import charge_saved_card
    from payments.donations.tasks import send_monthly_notice

    if not plan.is_running or plan.next_charge_on > today:
        return "skipped"
    if _campaign_closed_for_good(plan.campaign, today=max(today, site_today())):
        monthly_plan_end(plan=plan)
        return "ended"
    if not campaign_accepts_donations(campaign=plan.campaign, today=max(today, site_today())):
        return "skipped"  # paused (overdue outcome evidence): the plan waits
    key = f"monthly:{plan.pk}:{plan.next_charge_on.isoformat()}"
    with transaction.atomic():
        donation, created = Donation.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "campaign": plan.campaign,
                "donor": plan.donor,
                "amount_minor": plan.amount_minor,
                "currency": plan.currency,
                "frequency": "monthly",
                "monthly_plan": plan,
                "provider_payment_method_id": plan.provider_payment_method_id,
                "language": plan.language,
            },
        )
        if created:
            donation_begin(donation=donation, note=key)
            donation_transition(donation, DonationStatus.PROCESSING, note=key)
    try:
        outcome = charge_saved_card(donation=donation, customer_id=plan.provider_customer_id)
        status, message = outcome.status, outcome.message
    except GatewayError as exc:
        if exc.retryable:
            return "pending"  # the next run retries with the same key
        status, message = "failed", str(exc)
    with transaction.atomic():
        plan = MonthlyPlan.objects.select_for_update().get(pk=plan.pk)
        if status == "succeeded":
            plan.failures = 0
            plan.last_failure = ""
            to = P.ACTIVE
            plan.next_charge_on = next_month(plan.next_charge_on, plan_anchor_day(plan))
        elif status in ("failed", "requires_action"):
            plan.failures += 1
            plan.last_failure = (message or _("The card needs the donor's authentication."))[:300]
            if plan.failures >= settings.PAYMENTS_MONTHLY_MAX_FAILURES:
                to, notice = P.LAPSED, "lapsed"
            else:
                to, notice = P.PAST_DUE, "failed"
            occurrence = plan.next_charge_on.isoformat()  # the renewal that failed: one notice each
            plan.next_charge_on = today + timedelta(days=settings.PAYMENTS_MONTHLY_RETRY_DAYS)
            enqueue_on_commit(send_monthly_notice, plan.pk, notice, occurrence)
            status = "failed"
        else:
            to = plan.status
        if not plan.is_running:
            # Cancelled while the charge was under way: the gift counts, the plan stays stopped.
            to = plan.status
        fields = ("failures", "last_failure", "next_charge_on")
        monthly_plan_transition(plan, to, reason=message or "", fields=fields)
    return status


def monthly_renewals_run(*, today: date | None = None) -> dict[str, int]:
    """Charge every running plan that is due on ``today`` (the site's date, ADR 0004). Returns
    counts by outcome."""
    today = today or site_today()
    counts: dict[str, int] = {}
    due = MonthlyPlan.objects.filter(status__in=[P.ACTIVE, P.PAST_DUE], next_charge_on__lte=today)
    for plan in due.select_related("campaign", "donor").order_by("pk"):
        try:
            outcome = monthly_renewal_charge(plan=plan, today=today)
        except Exception:
            log.exception("monthly renewal of plan %s failed", plan.pk)
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
