"""A card setup that failed at the provider (``setup_intent.setup_failed``).

The donor's browser usually shows the refusal at once; the event is for when it did not (the page
was closed, the network dropped): the gift must not hang in "awaiting card" for ever. It shows the
failure (``failed`` with the provider's message) and the donor can try again, since a failed gift
may start a new card setup (``DONATION_STATES``: failed → awaiting card). ADR 0208.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from payments.donations.models import Donation, DonationStatus
from payments.donations.states import donation_transition
from payments.gateway.card import get_gateway


def donation_card_setup_failed(*, setup_intent_id: str, message: str) -> Donation | None:
    """Mark the gift whose current card setup is ``setup_intent_id`` as failed with ``message``.

    Re-fetches the setup first: if the donor has since confirmed a card on it (events arrive late
    and in any order), nothing changes. A setup the gift no longer uses, or a gift past card
    entry, changes nothing either. Returns the gift, or ``None`` if no gift has that setup (yet).
    Raises the gateway's errors if the provider cannot be reached (the event is retried).
    """
    donation = Donation.objects.filter(provider_setup_intent_id=setup_intent_id).first()
    if donation is None:
        return None
    current = get_gateway().setup_intent_retrieve(setup_intent_id)
    if current.status in ("succeeded", "processing"):
        return donation
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if (
            donation.status == DonationStatus.AWAITING_CARD
            and donation.provider_setup_intent_id == setup_intent_id
        ):
            donation.failure_message = (message or _("The card could not be saved."))[:300]
            donation_transition(donation, DonationStatus.FAILED, note=f"card setup {setup_intent_id} failed",
                                data={"setup_intent": setup_intent_id})  # fmt: skip
    return donation
