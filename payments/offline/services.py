"""Offline gifts: recorded by one finance officer, confirmed by another, then captured like a card gift.

Rules (ADR 0230):

- **Four eyes.** ``offline_gift_record`` writes the gift in ``recorded``; nothing is in the ledger.
  ``offline_gift_confirm`` by a second finance officer (never the recorder) writes a ``Donation``
  and captures it through ``donation_record_capture``, the card gifts' own path (ledger key
  ``donation:<pk>:captured``, kind ``donation.captured_offline``), so figures, donors, the wall of
  support, trace, allocation, matching, receipts and reports include it. ``offline_gift_reject``
  never touches the ledger.
- **Once.** The gift's key is derived from what identifies the paper receipt or bank transfer:
  channel, station or bank, reference, amount and date received (``offline_gift_key``); a second
  entry of the same receipt is refused with a message (a rejected entry does not block a corrected
  one). Confirming twice posts once (the gift row is locked; the capture is keyed).
- **A bank transfer waits for its money.** It may be confirmed only after an imported bank
  statement line was matched to it (``payments.offline.statements``); cash is confirmed on the
  station's paper receipt and its scan.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, FundingModel
from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS, Actor, in_role
from campaigns.services import audit
from campaigns.site_time import site_today
from campaigns.verification.selectors import campaign_gift_refusal
from payments.donations.models import OFFLINE_KEY_PREFIX, Donation
from payments.donations.services import NO_MAIL_DOMAIN, donation_record_capture, donor_profile_for
from payments.donations.states import donation_begin
from payments.offline.models import LineOutcome, OfflineChannel, OfflineGift, OfflineGiftStatus
from payments.offline.states import offline_gift_transition

G = OfflineGiftStatus
CAPTURE_KIND = "donation.captured_offline"


class OfflineGiftRefused(ValidationError):
    """An offline gift that cannot be recorded, confirmed or rejected (the message says why)."""


def normalise(text: str) -> str:
    """What people typed, compared as the same: full-width folded (NFKC), case and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def offline_gift_key(*, channel: str, place: str, reference: str, amount: Money, received_on: date) -> str:
    """``offline:<channel>:<digest of station/bank and reference>:<minor units><currency>:<date>``."""
    digest = hashlib.sha256(f"{normalise(place)}\n{normalise(reference)}".encode()).hexdigest()[:24]
    return f"offline:{channel}:{digest}:{amount.to_minor()}{amount.currency}:{received_on.isoformat()}"


def _finance_only(actor: Actor) -> None:
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may record or confirm an offline gift."))


def offline_gift_record(
    *,
    campaign: Campaign,
    amount: Money,
    channel: str,
    place: str,
    reference: str,
    received_on: date,
    actor: Actor,
    donor_name: str = "",
    donor_email: str = "",
    anonymous: bool = False,
    scan: UploadedFile | None = None,
    note: str = "",
) -> OfflineGift:
    """Record a gift received offline (not yet in the ledger: a second finance officer confirms it).

    ``amount`` is a ``Money`` (typed in yuan through ``campaigns.amount_input``); ``received_on`` a
    site-time date. Raises ``PermissionDenied`` (not finance) and ``OfflineGiftRefused``: amount not
    positive or not in the campaign's currency, no station/bank or reference, a date in the future,
    a campaign that did not take gifts on that date, or the same receipt already recorded (same
    channel, station or bank, reference, amount and date)."""
    _finance_only(actor)
    place, reference = place.strip(), reference.strip()
    if channel not in OfflineChannel.values:
        raise OfflineGiftRefused(_("Say how the gift was received."))
    if amount.currency != campaign.currency or amount.amount <= 0:
        raise OfflineGiftRefused(_("The gift must be a positive amount in the campaign's currency."))
    if not place or not reference:
        raise OfflineGiftRefused(_("Give the station or bank, and the receipt number or bank reference."))
    if received_on > site_today():
        raise OfflineGiftRefused(_("The date received cannot be in the future."))
    if campaign.funding_model == FundingModel.ALL_OR_NOTHING:
        # Its gifts go back through the provider if it misses its goal; an offline gift cannot.
        raise OfflineGiftRefused(_("An all-or-nothing campaign takes gifts by card only."))
    refusal = campaign_gift_refusal(campaign=campaign, today=received_on)
    if refusal is not None:
        raise OfflineGiftRefused(refusal)
    key = offline_gift_key(channel=channel, place=place, reference=reference, amount=amount,
                           received_on=received_on)  # fmt: skip
    duplicate = _("This receipt is already recorded: same station or bank, reference, amount and date.")
    if OfflineGift.objects.filter(key=key).exclude(status=G.REJECTED).exists():
        raise OfflineGiftRefused(duplicate)
    try:
        with transaction.atomic():
            gift = OfflineGift.objects.create(
                key=key, campaign=campaign, amount_minor=amount.to_minor(), currency=amount.currency,
                channel=channel, place=place[:120], reference=reference[:120], received_on=received_on,
                donor_name=donor_name.strip()[:80], donor_email=donor_email.strip().lower(),
                anonymous=anonymous, recorded_by=actor, note=note.strip()[:300],
            )  # fmt: skip
            if scan is not None:
                gift.scan.save(scan.name, scan, save=True)
            audit(actor=actor, action="offline_gift.recorded", subject=gift,
                  data={"campaign": campaign.pk, "amount_minor": gift.amount_minor, "channel": channel})  # fmt: skip
    except IntegrityError as exc:  # the same receipt recorded at the same moment by someone else
        raise OfflineGiftRefused(duplicate) from exc
    return gift


def offline_gift_confirm(*, gift: OfflineGift, actor: Actor) -> OfflineGift:
    """A second finance officer confirms: the gift becomes a captured ``Donation`` (key
    ``offline:<pk>``), posted to campaign escrow by ``donation_record_capture`` with kind
    ``donation.captured_offline``; its receipt number is the gift's (``payments.donations.receipts``).
    Confirming twice changes nothing. Raises ``PermissionDenied`` (not finance, or the officer who
    recorded it), ``OfflineGiftRefused`` (a bank transfer not yet seen on a bank statement),
    ``TransitionNotAllowed`` (already rejected)."""
    _finance_only(actor)
    with transaction.atomic():
        gift = OfflineGift.objects.select_for_update().select_related("campaign").get(pk=gift.pk)
        if gift.status == G.CONFIRMED:
            return gift
        if gift.recorded_by_id == actor.pk:
            raise PermissionDenied(_("Another finance officer must confirm a gift you recorded."))
        if (
            gift.status == G.RECORDED
            and gift.channel == OfflineChannel.BANK_TRANSFER
            and not _money_seen(gift)
        ):
            raise OfflineGiftRefused(
                _(
                    "The transfer has not been seen on an imported bank statement yet: import the statement first."
                )
            )
        email = gift.donor_email or f"offline-{gift.pk}{NO_MAIL_DOMAIN}"
        donation = Donation.objects.create(
            idempotency_key=f"{OFFLINE_KEY_PREFIX}{gift.pk}", campaign=gift.campaign, donor=donor_profile_for(email=email),
            amount_minor=gift.amount_minor, currency=gift.currency, display_name=gift.donor_name,
            anonymous=gift.anonymous, language=settings.LANGUAGE_CODE,
        )  # fmt: skip
        donation_begin(donation=donation, note=f"offline gift {gift.pk}")
        gift.donation, gift.decided_by, gift.decided_at = donation, actor, timezone.now()
        offline_gift_transition(
            gift, G.CONFIRMED, actor=actor, fields=("donation", "decided_by", "decided_at")
        )
        donation_record_capture(donation=donation, payment_intent_id="", kind=CAPTURE_KIND,
                                via=f"offline {gift.channel} {gift.reference}")  # fmt: skip
    return gift


def _money_seen(gift: OfflineGift) -> bool:
    from payments.offline.models import BankStatementLine

    return BankStatementLine.objects.filter(offline_gift=gift, outcome=LineOutcome.MATCHED).exists()


def offline_gift_reject(*, gift: OfflineGift, actor: Actor, reason: str) -> OfflineGift:
    """A second finance officer rejects a recorded gift (a mistake, no money): nothing is posted,
    ever. A bank statement line matched to it goes back to the lines finance must reconcile.
    Raises ``PermissionDenied`` (not finance, or its recorder), ``OfflineGiftRefused`` (no reason),
    ``TransitionNotAllowed`` (already confirmed)."""
    from payments.offline.models import BankStatementLine

    _finance_only(actor)
    if not reason.strip():
        raise OfflineGiftRefused(_("Say why the gift is rejected."))
    with transaction.atomic():
        gift = OfflineGift.objects.select_for_update().get(pk=gift.pk)
        if gift.recorded_by_id == actor.pk and gift.status == G.RECORDED:
            raise PermissionDenied(_("Another finance officer must decide on a gift you recorded."))
        gift.decided_by, gift.decided_at = actor, timezone.now()
        offline_gift_transition(gift, G.REJECTED, actor=actor, reason=reason.strip(),
                                fields=("decided_by", "decided_at"))  # fmt: skip
        BankStatementLine.objects.filter(offline_gift=gift).update(
            offline_gift=None, outcome=LineOutcome.UNMATCHED, note=f"offline gift {gift.pk} rejected"
        )
    return gift
