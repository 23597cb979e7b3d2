"""A gift from form to escrow.

``donation_create`` writes the row (and its idempotency key) before anything goes to the provider.
``donation_start_card`` makes the SetupIntent the browser confirms with Stripe.js; the card data
goes from the browser to the provider only. ``donation_charge`` then charges the saved card
off-session, ``donation_confirm_authenticated`` finishes after 3-D Secure, and
``donation_record_capture`` posts the ledger entry (clearing → escrow) exactly once, whichever of
the synchronous reply or the webhook gets there first.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Beneficiary, Campaign, FundingModel
from campaigns.money import Money
from campaigns.verification.beneficiaries import NotFundable, check_fundable
from campaigns.verification.selectors import campaign_gift_refusal
from payments.donations.card_testing import card_setup_record
from payments.donations.models import (
    CAPTURED_STATES,
    Donation,
    DonationStatus,
    DonorProfile,
    Frequency,
    PaymentMethodType,
)
from payments.donations.states import donation_begin, donation_capture_transition, donation_transition
from payments.gateway.card import CardDeclined, PaymentResult, get_gateway
from payments.ledger.models import AccountKind
from payments.ledger.services import Leg, accounts_for, entry_post

S = DonationStatus
# The donor of an offline gift who gave no email stands for a donor of their own under an address
# in the reserved ``.invalid`` domain (RFC 2606): no mail is ever sent to it (ADR 0230).
NO_MAIL_DOMAIN = "@offline.invalid"


def reachable_by_mail(email: str) -> bool:
    """False for the stand-in address of an offline donor who gave no email (``NO_MAIL_DOMAIN``)."""
    return not email.endswith(NO_MAIL_DOMAIN)


FINAL_STATES = {S.FAILED, S.BLOCKED, *CAPTURED_STATES}


class DonationNotPossible(ValidationError):
    """The gift cannot go ahead (closed campaign, amount below the minimum, wrong state)."""


@dataclass(frozen=True)
class ChargeOutcome:
    donation: Donation
    status: str  # succeeded | requires_action | failed | processing
    client_secret: str = ""
    message: str = ""
    code: str = ""  # the processor's decline or error code of a failed charge ("card_declined")


_DONOR_INSERT = (
    "INSERT INTO payments_donorprofile (email, link_version, provider_customer_id, created_at) "
    "VALUES (%s, 1, '', %s) ON CONFLICT (email) DO NOTHING RETURNING id"
)


def donor_profile_for(*, email: str) -> DonorProfile:
    """The donor profile of ``email`` (trimmed, lower-cased), made on a first gift. A known donor is
    one read; a new one a read and one ``INSERT … ON CONFLICT DO NOTHING``, with no savepoint (ADR
    0212); should a simultaneous first gift of the same email insert first, its row is read."""
    email = email.strip().lower()
    profile = DonorProfile.objects.filter(email=email).first()
    if profile is not None:
        return profile
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_DONOR_INSERT, [email, now])
        row = cursor.fetchone()
    if row is None:
        return DonorProfile.objects.get(email=email)
    profile = DonorProfile(id=row[0], email=email, link_version=1, provider_customer_id="", created_at=now)
    profile._state.adding, profile._state.db = False, connection.alias  # as if read from the database
    return profile


def donation_key(*, campaign: Campaign, attempt: uuid.UUID, request: dict) -> str:
    """The idempotency key of a form submission: the form's ``attempt`` and a digest of what it asks
    for. The same form posted twice is one gift; the same form posted again with another amount,
    name, anonymity or message (after a decline, say) is a new gift, never the first one replayed."""
    digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()[:20]
    return f"donation:{campaign.pk}:{attempt}:{digest}"


def _check_earmark(*, campaign: Campaign, beneficiary_id: int) -> None:
    beneficiary = Beneficiary.objects.filter(pk=beneficiary_id, campaign=campaign).first()
    if beneficiary is None:
        raise DonationNotPossible(_("That person is not a beneficiary of this campaign."))
    try:
        check_fundable(beneficiary=beneficiary)
    except NotFundable as exc:
        raise DonationNotPossible(exc.messages[0]) from exc


def donation_create(
    *,
    campaign: Campaign,
    amount: Money,
    email: str,
    attempt: uuid.UUID,
    frequency: str = Frequency.ONE_OFF,
    display_name: str = "",
    anonymous: bool = False,
    dedication: str = "",
    public_message: str = "",
    sibling_opt_in: bool = False,
    earmark_beneficiary_id: int | None = None,
    client_ip: str | None = None,
    language: str = "",
    payment_method_type: str = PaymentMethodType.CARD,
) -> Donation:
    """Write the gift before the provider hears of it; the same ``attempt`` asking for the same gift
    returns the first row (``donation_key``). ``language`` is the page's language (a code of
    ``settings.LANGUAGES``; anything else means the site's default): the receipt, its links and
    later mail about the gift use it. ``payment_method_type`` is how the donor will pay (a wallet
    gift is one-off: ``payments.wallets``); a gift by another method is another gift.

    Raises ``DonationNotPossible`` if the campaign does not take gifts now (not live, past the end
    of its deadline day in site time, or paused for overdue outcome evidence:
    ``campaign_gift_refusal``), the currency differs from the campaign's, the amount is below the
    campaign's minimum, or the gift is earmarked for someone not verified in this campaign.
    """
    refusal = campaign_gift_refusal(campaign=campaign)
    if refusal is not None:
        raise DonationNotPossible(refusal)
    if earmark_beneficiary_id is not None:
        _check_earmark(campaign=campaign, beneficiary_id=earmark_beneficiary_id)
    if amount.currency != campaign.currency:
        raise DonationNotPossible(_("Gifts to this campaign are in %(c)s.") % {"c": campaign.currency})
    if amount < campaign.min_donation:
        raise DonationNotPossible(_("The smallest gift is %(min)s.") % {"min": campaign.min_donation})
    request = {
        "email": email.strip().lower(),
        "amount_minor": amount.to_minor(),
        "currency": amount.currency,
        "frequency": frequency,
        "display_name": display_name.strip()[:80],
        "anonymous": anonymous,
        "dedication": dedication.strip()[:120],
        "public_message": public_message.strip()[:280],
        "sibling_opt_in": sibling_opt_in and campaign.funding_model == FundingModel.ALL_OR_NOTHING,
        "earmark_beneficiary_id": earmark_beneficiary_id,
    }
    if payment_method_type != PaymentMethodType.CARD:  # a card gift's key stays as it always was
        request["payment_method_type"] = payment_method_type
    key = donation_key(campaign=campaign, attempt=attempt, request=request)
    fields = {k: v for k, v in request.items() if k != "email"}
    try:
        # Inserted without a read first: the same form sent again (or at the same moment) makes
        # this insert fail on the key as a whole, and the first gift is read then (no savepoint;
        # ADR 0212). A first submit, the common case, is one statement fewer.
        with transaction.atomic():
            donation = Donation.objects.create(
                idempotency_key=key, campaign=campaign, donor=donor_profile_for(email=email),
                client_ip=client_ip, language=language_of(language), **fields,
            )  # fmt: skip
            donation_begin(donation=donation)
    except IntegrityError:
        existing = Donation.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    return donation


def language_of(code: str) -> str:
    """``code`` if the site speaks it (``settings.LANGUAGES``), else the site's default language."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def release_connection() -> None:
    """Give this thread's database connection back to the pool before waiting on the provider.

    Only with a connection pool (``DATABASES["default"]["OPTIONS"]["pool"]``, ADR 0228) and only
    outside any transaction: the next query takes a pooled connection again (no new connect). Without
    a pool closing would cost a new connection afterwards, so the connection is kept (ADR 0224)."""
    if connection.in_atomic_block or not pooled():
        return
    connection.close()


def pooled() -> bool:
    """Whether the default database connection comes from a pool (``OPTIONS["pool"]``)."""
    return bool(connection.settings_dict.get("OPTIONS", {}).get("pool"))


def _customer_id(donor: DonorProfile) -> str:
    if donor.provider_customer_id:
        return donor.provider_customer_id
    release_connection()
    customer = get_gateway().customer_create(email=donor.email, key=f"customer:{donor.pk}")
    if DonorProfile.objects.filter(pk=donor.pk, provider_customer_id="").update(
        provider_customer_id=customer
    ):
        donor.provider_customer_id = customer
    else:  # a concurrent request stored its customer first; use that one
        donor.refresh_from_db(fields=["provider_customer_id"])
    return donor.provider_customer_id


_STARTABLE = (S.CREATED, S.AWAITING_CARD, S.FAILED)
_USABLE_SETUP = ("requires_payment_method", "requires_confirmation", "requires_action")


def donation_start_card(*, donation: Donation, client_ip: str | None = None) -> str:
    """Make (or reuse) the SetupIntent the browser confirms; return its client secret.

    A new setup is recorded with the client that asked for it (``client_ip``), for the
    card-testing limits (``payments.donations.card_testing``).

    No provider call is made inside a transaction or holding a row lock (ADR 0228): the setup is
    made under its idempotency key ``setup:<gift>:<attempt>`` first, then recorded with the gift's
    row locked, its status checked again there. Two simultaneous submits of one form compute the
    same key and so get the same SetupIntent from the provider (Stripe answers the later of two
    calls in flight with 409, which the gateway retries with the same key until the first has
    finished); the second to take the lock finds it recorded and answers its secret. Should the
    lock find another setup recorded meanwhile, that one is answered: the card the donor confirms
    is always the one the charge uses. Raises ``DonationNotPossible`` if the gift is already past
    card entry, and the gateway's errors if the provider cannot be reached (nothing is written).
    """
    if donation.status not in _STARTABLE:
        raise DonationNotPossible(_("This gift has already been sent."))
    customer = _customer_id(donation.donor)
    gateway = get_gateway()
    if donation.provider_setup_intent_id and donation.status == S.AWAITING_CARD:
        release_connection()
        current = gateway.setup_intent_retrieve(donation.provider_setup_intent_id)
        if current.status in _USABLE_SETUP:
            return current.client_secret
    # A new attempt (after a decline) needs a new key, or the provider would replay the old intent.
    # A gift still in ``created`` has never had a card setup: its first attempt, nothing to count.
    attempt = 1
    if donation.status != S.CREATED:
        attempt = donation.events.filter(to_status=S.AWAITING_CARD).count() + 1
    release_connection()
    setup = gateway.setup_intent_create(
        customer_id=customer, key=f"setup:{donation.pk}:{attempt}", payment_method_types=["card"]
    )
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.status not in _STARTABLE:
            raise DonationNotPossible(_("This gift has already been sent."))
        recorded = locked.provider_setup_intent_id
        # A simultaneous submit recorded this setup, or another one, since this call read the gift.
        taken = locked.status == S.AWAITING_CARD and (
            recorded == setup.id or recorded not in ("", donation.provider_setup_intent_id)
        )
        if not taken:
            card_setup_record(donation=locked, setup_intent_id=setup.id, client_ip=client_ip)
            locked.provider_setup_intent_id = setup.id
            locked.failure_message = ""
            # One UPDATE for the setup and the status (the note makes the transition always write).
            donation_transition(locked, S.AWAITING_CARD, note=f"setup intent {setup.id}",
                                data={"setup_intent": setup.id}, fields=("provider_setup_intent_id",))  # fmt: skip
            return setup.client_secret
    if recorded == setup.id:  # a simultaneous submit of the same form recorded this very setup
        return setup.client_secret
    release_connection()
    return gateway.setup_intent_retrieve(recorded).client_secret


def donation_charge(*, donation: Donation) -> ChargeOutcome:
    """Charge the card the donor saved through the SetupIntent.

    Raises ``DonationNotPossible`` if the card was not saved, or if the campaign stopped taking
    gifts since the form was sent (its deadline day ended in site time, it was closed or paused:
    checked now, before the provider is called); a declined card is an outcome (``failed`` with
    the provider's message), not an exception.
    """
    if donation.status in FINAL_STATES or donation.status == S.PROCESSING:
        return _outcome(donation)
    if donation.status == S.REQUIRES_ACTION:
        return donation_confirm_authenticated(donation=donation)
    refusal = campaign_gift_refusal(campaign=donation.campaign)
    if refusal is not None:
        raise DonationNotPossible(refusal)
    gateway = get_gateway()
    setup = gateway.setup_intent_retrieve(donation.provider_setup_intent_id)
    if setup.status != "succeeded" or not setup.payment_method_id:
        raise DonationNotPossible(_("The card has not been confirmed yet."))
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if donation.status != S.AWAITING_CARD:
            return _outcome(donation)
        donation.provider_payment_method_id = setup.payment_method_id
        donation.save(update_fields=["provider_payment_method_id", "updated_at"])
        donation_transition(donation, S.PROCESSING)
    return charge_saved_card(donation=donation, customer_id=setup.customer_id)


def charge_saved_card(*, donation: Donation, customer_id: str) -> ChargeOutcome:
    """Off-session charge of ``donation.provider_payment_method_id`` under the key
    ``charge:<pk>:<attempt>`` (the attempt counts the gift's moves to ``processing``)."""
    attempt = donation.events.filter(to_status=S.PROCESSING).count()
    try:
        result = get_gateway().payment_charge_saved(
            amount=donation.amount,
            customer_id=customer_id,
            payment_method_id=donation.provider_payment_method_id,
            key=f"charge:{donation.pk}:{attempt}",
            metadata={"donation_id": str(donation.public_id), "campaign_id": str(donation.campaign_id)},
        )
    except CardDeclined as exc:
        return _fail(donation, str(exc), code=exc.code or "")
    return apply_payment_result(donation=donation, result=result, current_attempt=True)


def donation_confirm_authenticated(*, donation: Donation) -> ChargeOutcome:
    """After the browser's 3-D Secure step: re-fetch the intent and act on what it says."""
    if not donation.provider_payment_intent_id:
        raise DonationNotPossible(_("There is no payment to confirm."))
    result = get_gateway().payment_intent_retrieve(donation.provider_payment_intent_id)
    return apply_payment_result(donation=donation, result=result)


def apply_payment_result(
    *, donation: Donation, result: PaymentResult, current_attempt: bool = False, locked: bool = False
) -> ChargeOutcome:
    """Bring the donation in line with the provider's view of its PaymentIntent.

    ``current_attempt`` says the intent was just created for this gift; otherwise (a webhook, a
    re-fetch) a non-successful intent of an earlier attempt is stale and changes nothing.
    ``locked`` says the caller read ``donation`` with its row locked (``select_for_update``, its
    campaign loaded) in the current transaction, so a capture reads it no second time (ADR 0240).
    """
    if result.amount != donation.amount:
        raise DonationNotPossible(f"intent {result.id} is for {result.amount}, not {donation.amount}")
    if result.succeeded:
        # The capture locks the gift and stores the intent id in its one UPDATE (ADR 0212). A
        # gift the caller locked is the capture's own object, up to date (no read back, ADR 0240).
        _record_capture(donation=donation, payment_intent_id=result.id, charge_id=result.charge_id,
                        current_attempt=current_attempt, locked=locked)  # fmt: skip
        if not locked:
            donation.refresh_from_db()
        return _outcome(donation)
    # No savepoint inside a caller's transaction (a webhook handler's): nothing here is caught
    # and carried on from, so a failure rolls back with the caller's block (ADR 0212).
    with transaction.atomic(savepoint=False):
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        known = donation.provider_payment_intent_id
        if current_attempt or not known:
            donation.provider_payment_intent_id = result.id
            donation.save(update_fields=["provider_payment_intent_id", "updated_at"])
        elif known != result.id and not result.succeeded:
            return _outcome(donation)
    if result.status == "requires_action" and donation.payment_method_type != PaymentMethodType.CARD:
        # A wallet's intent waits for the donor to pay in their app: the gift stays ``processing``
        # (no card authentication to ask for; ADR 0232).
        return ChargeOutcome(donation, "processing")
    if result.status == "requires_action":
        with transaction.atomic():
            donation = Donation.objects.select_for_update().get(pk=donation.pk)
            if donation.status not in FINAL_STATES:
                donation_transition(donation, S.REQUIRES_ACTION, data={"payment_intent": result.id})
        return ChargeOutcome(donation, "requires_action", client_secret=result.client_secret)
    if result.failed:
        return _fail(
            donation, result.failure_message or _("The payment did not go through."), code=result.failure_code
        )
    return ChargeOutcome(donation, "processing")


def _fail(donation: Donation, message: str, *, code: str = "") -> ChargeOutcome:
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if donation.status not in FINAL_STATES:
            donation.failure_message = message[:300]
            donation_transition(donation, S.FAILED, note=message)
    return ChargeOutcome(donation, "failed", message=donation.failure_message or message, code=code)


def fail_gift(donation: Donation, message: str, *, code: str = "") -> ChargeOutcome:
    """Mark a gift not yet received ``failed`` with ``message`` (a received or blocked gift is left
    as it is): the provider refused it for good. Posts nothing to the ledger."""
    return _fail(donation, message, code=code)


def _outcome(donation: Donation) -> ChargeOutcome:
    if donation.is_captured:
        return ChargeOutcome(donation, "succeeded")
    if donation.status in (S.FAILED, S.BLOCKED):
        return ChargeOutcome(donation, "failed", message=donation.failure_message)
    return ChargeOutcome(donation, "processing")


def capture_entry_key(donation: Donation) -> str:
    return f"donation:{donation.pk}:captured"


def donation_record_capture(
    *,
    donation: Donation,
    payment_intent_id: str,
    charge_id: str = "",
    current_attempt: bool = False,
    kind: str = "donation.captured",
    via: str = "",
) -> bool:
    """Post the gift into campaign escrow once (ledger key ``donation:<pk>:captured``).

    Call only with a PaymentIntent the provider reports as succeeded. The gift keeps the intent
    id it knows unless it knows none or ``current_attempt`` says the intent was just created for
    it (``apply_payment_result``). Returns True if this call posted it, False if it was already
    posted. An offline gift (ADR 0230) comes here too, with no intent (``payment_intent_id=""``),
    ``kind="donation.captured_offline"`` (the provider's reconciliation leaves it alone) and
    ``via`` naming its receipt or bank reference in the entry's memo.
    """
    posted, _donation = _record_capture(donation=donation, payment_intent_id=payment_intent_id,
                                        charge_id=charge_id, current_attempt=current_attempt, kind=kind, via=via)  # fmt: skip
    return posted


def _record_capture(
    *,
    donation: Donation,
    payment_intent_id: str,
    charge_id: str = "",
    current_attempt: bool = False,
    kind: str = "donation.captured",
    via: str = "",
    locked: bool = False,
) -> tuple[bool, Donation]:
    """``donation_record_capture``, returning also the gift as it now stands. With ``locked`` the
    caller has read ``donation`` with its row locked and its campaign loaded in the current
    transaction, and it is not read again (ADR 0240)."""
    from payments.donations.monthly import monthly_plan_start_for
    from payments.donations.receipt_mail import receipt_on_commit

    with transaction.atomic(savepoint=False):  # no savepoint inside a caller's transaction (ADR 0212)
        if not locked:
            # Lock the gift only: a bare select_for_update() with select_related would lock the
            # campaign row too, and every capture into one campaign would queue on it (ADR 0211).
            donation = (
                Donation.objects.select_for_update(of=("self",))
                .select_related("campaign")
                .get(pk=donation.pk)
            )
        if donation.captured_at is not None:
            return False, donation
        donor_funds, escrow = accounts_for(
            {"kind": AccountKind.DONOR_FUNDS, "currency": donation.currency},
            {"kind": AccountKind.CAMPAIGN_ESCROW, "currency": donation.campaign.currency,
             "campaign": donation.campaign},
        )  # fmt: skip
        entry_post(
            key=capture_entry_key(donation),
            kind=kind,
            legs=[Leg(donor_funds, -donation.amount), Leg(escrow, donation.amount)],
            memo=f"gift {donation.public_id} via {via or payment_intent_id}",
        )
        if current_attempt or not donation.provider_payment_intent_id:
            donation.provider_payment_intent_id = payment_intent_id
        donation.provider_charge_id = charge_id or donation.provider_charge_id
        donation.captured_at = timezone.now()
        donation.failure_message = ""
        provider_fields = ("provider_payment_intent_id", "provider_charge_id")
        if donation.status == S.SUCCEEDED:  # no transition to write: save the provider's ids alone
            donation.save(update_fields=[*provider_fields, "captured_at", "failure_message", "updated_at"])
        else:  # the status event and one UPDATE for the status and the provider's ids: one statement
            data = {"payment_intent": payment_intent_id} if payment_intent_id else {"via": via}
            donation_capture_transition(donation, data=data)
        if donation.frequency == Frequency.MONTHLY and donation.monthly_plan_id is None:
            monthly_plan_start_for(donation=donation)
        receipt_on_commit(donation.pk)  # one task per drained batch inside a drain (ADR 0239)
        _announce_on_commit(donation)
    return True, donation


def _announce_on_commit(donation: Donation) -> None:
    """``gift_received`` after the capture commits (for integrators' webhooks, ADR 0420)."""
    from payments.donations.signals import gift_received

    donation_id, campaign_id = donation.pk, donation.campaign_id
    transaction.on_commit(
        lambda: gift_received.send(sender=Donation, donation_id=donation_id, campaign_id=campaign_id)
    )
