"""Donor notices: record an event, write one row per donor concerned, send each mail once, group a
monthly donor's week into one digest, and keep each donor's choice of mail (ADR 0217).

Rules:
- who hears of an event is decided by the allocation and gift tables in one query
  (``payments.notifications.selectors``): a release paid and the outcome it paid for go to the
  donors whose gifts the release consumes; a refund to the donor of that gift; a campaign update to
  every donor with a gift received into the campaign;
- the ``DonorNotification`` rows are written (unique on donor and event, ``ON CONFLICT DO NOTHING``)
  before anything is sent, so a repeated signal or task writes and sends nothing more;
- a mail is sent with its row locked and marked sent in the same transaction (the one window left,
  a crash between the SMTP server accepting and our commit, sends a second copy: ADR 0209);
- a donor with a running monthly gift hears in a weekly digest, at most one per week.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.site_time import site_today
from payments.donations.models import Donation, DonorProfile
from payments.notifications import selectors
from payments.notifications.mail import digest_message, notification_message
from payments.notifications.models import (
    DonorNotification,
    MailPreferences,
    NotificationDigest,
    NotificationEvent,
    NotificationKind,
)
from payments.outbox.queueing import enqueue_on_commit

SKIPPED_BY_PREFERENCE = "preferences"
# An offline gift's donor who gave no email (``payments.donations.services.NO_MAIL_DOMAIN``).
SKIPPED_NO_ADDRESS = "no_address"


def _event(*, kind: str, key: str, campaign_id: int, data: dict) -> NotificationEvent:
    event, created = NotificationEvent.objects.get_or_create(
        key=key, defaults={"kind": kind, "campaign_id": campaign_id, "data": data}
    )
    if not created:  # asked to fan out again (an outcome's release approved): to do once more
        NotificationEvent.objects.filter(pk=event.pk, fanned_out_at__isnull=False).update(fanned_out_at=None)
    from payments.notifications.tasks import notifications_fan_out

    enqueue_on_commit(notifications_fan_out, event.pk)
    return event


def release_paid_announce(*, release_id: int, campaign_id: int) -> NotificationEvent:
    """A release was paid to its partner: its donors hear how much of their gifts went where."""
    return _event(kind=NotificationKind.RELEASE_PAID, key=f"release:{release_id}:paid", campaign_id=campaign_id,
                  data={"release_id": release_id})  # fmt: skip


def outcome_verified_announce(*, milestone_id: int, campaign_id: int) -> NotificationEvent | None:
    """An outcome was verified. Its donors are those whose gifts its release consumes, known once
    the release is approved; call again then (``release_approved``): rows already written are not
    written twice. None when the outcome has no release (nothing to pay)."""
    from payments.releases.models import Release

    release_id = Release.objects.filter(milestone_id=milestone_id).values_list("pk", flat=True).first()
    if release_id is None:
        return None
    return _event(kind=NotificationKind.OUTCOME_VERIFIED, key=f"milestone:{milestone_id}:verified",
                  campaign_id=campaign_id, data={"release_id": release_id, "milestone_id": milestone_id})  # fmt: skip


def refund_made_announce(*, refund_id: int, donation_id: int) -> NotificationEvent:
    """A refund of a gift succeeded: its donor hears."""
    campaign_id = Donation.objects.values_list("campaign_id", flat=True).get(pk=donation_id)
    return _event(kind=NotificationKind.REFUND_MADE, key=f"refund:{refund_id}", campaign_id=campaign_id,
                  data={"refund_id": refund_id, "donation_id": donation_id})  # fmt: skip


def campaign_update_announce(
    *, campaign_id: int, update_key: str, texts: dict[str, dict]
) -> NotificationEvent:
    """A campaign published an update. ``update_key`` names the update across its translations
    (so each donor hears once, in their language); ``texts`` maps a language code to the update's
    ``title``, ``summary`` and absolute ``url`` in it. Published again later: nothing more is sent."""
    return _event(kind=NotificationKind.CAMPAIGN_UPDATE, key=f"update:{update_key}", campaign_id=campaign_id,
                  data={"texts": texts})  # fmt: skip


def _recipients(event: NotificationEvent) -> tuple[QuerySet, str]:
    campaign = event.campaign
    if event.kind in (NotificationKind.RELEASE_PAID, NotificationKind.OUTCOME_VERIFIED):
        return selectors.release_recipients(release_id=event.data["release_id"]), campaign.currency
    if event.kind == NotificationKind.REFUND_MADE:
        from payments.refunds.models import Refund

        refund = Refund.objects.select_related("donation").get(pk=event.data["refund_id"])
        recipients = selectors.refund_recipients(donation=refund.donation, amount_minor=refund.amount_minor)
        return recipients, refund.currency
    return selectors.campaign_recipients(campaign_id=campaign.pk), ""


def event_fan_out(*, event_id: int) -> list[int]:
    """Write the rows of every donor the event concerns that has none yet (one INSERT … SELECT),
    then queue the mail of those who hear at once. Idempotent. Returns the new rows' ids."""
    event = NotificationEvent.objects.select_related("campaign").get(pk=event_id)
    recipients, currency = _recipients(event)
    select_sql, params = recipients.query.sql_with_params()
    table = DonorNotification._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (donor_id, event_id, language, amount_minor, currency, in_digest, skipped,
                                     created_at)
                SELECT r.pk, %s, r.language::varchar, r.amount::bigint, %s, r.in_digest::boolean, '', now()
                FROM ({select_sql}) AS r
                ON CONFLICT (donor_id, event_id) DO NOTHING
                RETURNING id, in_digest""",  # noqa: S608 (the table name is ours, values are parameters)
            [event.pk, currency, *params],
        )
        written = cursor.fetchall()
        NotificationEvent.objects.filter(pk=event.pk).update(fanned_out_at=timezone.now())
        from payments.notifications.tasks import notification_send

        for pk, in_digest in written:
            if not in_digest:
                enqueue_on_commit(notification_send, pk)
    return [pk for pk, _in_digest in written]


def notification_send(*, notification_id: int) -> bool:
    """Send one donor's mail about one event unless it was sent, is waiting for a digest, or the
    donor turned this kind off (then it is marked skipped). Returns whether a mail went."""
    with transaction.atomic():
        notification = (
            DonorNotification.objects.select_for_update(of=("self",))
            .select_related("donor", "event__campaign")
            .get(pk=notification_id)
        )
        if notification.sent_at or notification.skipped or notification.in_digest:
            return False
        from payments.donations.services import reachable_by_mail

        if not reachable_by_mail(notification.donor.email):  # nobody to write to (ADR 0230)
            notification.skipped = SKIPPED_NO_ADDRESS
            notification.save(update_fields=["skipped"])
            return False
        if not selectors.mail_preferences(donor=notification.donor).wants(notification.event.kind):
            notification.skipped = SKIPPED_BY_PREFERENCE
            notification.save(update_fields=["skipped"])
            return False
        notification_message(notification).send()
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True


def week_of(day) -> object:
    """The Monday of ``day``'s week: a digest's week."""
    return day - timedelta(days=day.weekday())


def digest_send(*, donor_id: int, week=None) -> bool:
    """Send a monthly donor the week's digest: every notice waiting for it, in one mail, at most one
    digest per (donor, week) (a unique row written in the same transaction as the mail). Notices
    of kinds the donor turned off are marked skipped. Returns whether a mail went."""
    week = week or week_of(site_today())
    with transaction.atomic():
        donor = DonorProfile.objects.select_for_update().get(pk=donor_id)
        if NotificationDigest.objects.filter(donor=donor, week=week).exists():
            return False
        waiting = list(
            DonorNotification.objects.select_for_update(of=("self",))
            .filter(donor=donor, in_digest=True, sent_at__isnull=True, skipped="")
            .select_related("event__campaign")
            .order_by("created_at", "pk")
        )
        preferences = selectors.mail_preferences(donor=donor)
        wanted = [n for n in waiting if preferences.wants(n.event.kind)]
        unwanted = [n.pk for n in waiting if not preferences.wants(n.event.kind)]
        DonorNotification.objects.filter(pk__in=unwanted).update(skipped=SKIPPED_BY_PREFERENCE)
        if not wanted:
            return False
        digest = NotificationDigest.objects.create(donor=donor, week=week)
        language = _digest_language(donor=donor, fallback=wanted[-1].language)
        digest_message(donor=donor, language=language, notifications=wanted).send()
        DonorNotification.objects.filter(pk__in=[n.pk for n in wanted]).update(
            sent_at=timezone.now(), digest=digest
        )
    return True


def _digest_language(*, donor: DonorProfile, fallback: str) -> str:
    """The language of the donor's latest running monthly gift."""
    plan = donor.monthly_plans.filter(status__in=selectors.RUNNING_PLANS).order_by("-created_at").first()
    return plan.language if plan else fallback


def waiting_digests_queue() -> int:
    """Queue this week's digest of every donor with notices waiting (the weekly beat task), all
    of them however many. Returns how many were queued."""
    from payments.notifications.tasks import notification_digest_send

    week = week_of(site_today())
    queued = 0
    for donor_id in selectors.digest_donor_ids():
        enqueue_on_commit(notification_digest_send, donor_id, week.isoformat())
        queued += 1
    return queued


def unfanned_event_ids(*, older_than_seconds: int = 60, limit: int = 500) -> list[int]:
    """Events whose donors' rows were never written because their fan-out task was never queued
    (the broker was down: ADR 0007, review finding 5), oldest first."""
    return list(
        NotificationEvent.objects.filter(
            fanned_out_at__isnull=True, created_at__lte=timezone.now() - timedelta(seconds=older_than_seconds)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def waiting_mail_ids(*, older_than_seconds: int = 60, limit: int = 500) -> list[int]:
    """Notices to send at once whose task was never queued (the broker was down: ADR 0007)."""
    return list(
        DonorNotification.objects.filter(
            in_digest=False,
            sent_at__isnull=True,
            skipped="",
            created_at__lte=timezone.now() - timedelta(seconds=older_than_seconds),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def mail_preferences_set(*, donor: DonorProfile, wanted: dict[str, bool]) -> MailPreferences:
    """Save which kinds of mail the donor wants (kinds not named keep their choice). Two first
    saves at once (one-click unsubscribe from two mail clients) both succeed: one creates the row,
    the other updates it (``update_or_create`` locks the row or retries on the one-to-one)."""
    choices = {kind: bool(wanted[kind]) for kind in MailPreferences.KINDS if kind in wanted}
    preferences, _created = MailPreferences.objects.update_or_create(donor=donor, defaults=choices)
    return preferences


def mail_unsubscribe(*, donor: DonorProfile) -> MailPreferences:
    """One click: no more notices of any kind (receipts of new gifts still come)."""
    return mail_preferences_set(donor=donor, wanted=dict.fromkeys(MailPreferences.KINDS, False))
