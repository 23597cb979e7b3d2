"""Signal receivers of the needs board, connected in ``PaymentsConfig.ready``."""

from django.dispatch import receiver

from payments.donations.models import Donation, DonationStatus
from payments.donations.signals import gift_status_changed
from payments.needs.models import NeedGift
from payments.outbox.queueing import enqueue_on_commit


@receiver(gift_status_changed, sender=Donation, dispatch_uid="payments.need_funded_on_gift_captured")
def fund_need_when_its_gift_is_captured(sender, donation: Donation, status: str, **kwargs) -> None:
    """A gift for a need reached escrow: fund the need (after commit, in a worker).

    A gift for a need is always earmarked for the need's beneficiary (``need_gift_create``), a
    column written at intake and loaded with the gift: an ordinary gift is never asked about."""
    if status != DonationStatus.SUCCEEDED or donation.earmark_beneficiary_id is None:
        return
    if not NeedGift.objects.filter(donation_id=donation.pk).exists():
        return
    from payments.needs.tasks import need_gift_captured

    enqueue_on_commit(need_gift_captured, donation.pk)


# A gift in one of these no longer fully backs the need it funded (review finding 4).
GIFT_LOST = (
    DonationStatus.PARTIALLY_REFUNDED,
    DonationStatus.REFUNDED,
    DonationStatus.CHARGED_BACK,
    DonationStatus.MOVED,
)


@receiver(gift_status_changed, sender=Donation, dispatch_uid="payments.need_unfunded_on_gift_lost")
def unfund_need_when_its_gift_is_lost(sender, donation: Donation, status: str, **kwargs) -> None:
    """A need's gift was refunded, charged back or moved: the need goes back on the board (after
    commit, in a worker; idempotent)."""
    if status not in GIFT_LOST:
        return
    if not NeedGift.objects.filter(donation_id=donation.pk).exists():
        return
    from payments.needs.tasks import need_gift_lost

    enqueue_on_commit(need_gift_lost, donation.pk)
