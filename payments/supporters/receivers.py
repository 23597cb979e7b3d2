"""Signal receivers of supporters' pages, connected in ``PaymentsConfig.ready`` (ADR 0234).

As matching's (ADR 0227): a gift's status change (``gift_status_changed``: capture, refund, dispute,
move) queues
``supporter_gift_follow`` once its transaction commits, if the gift's campaign has supporter pages
(``campaigns_with_supporter_pages``, read from the cache after the commit); a refund made (a second
partial refund changes no status) queues it too. Nothing is read or written in the capture's own
transaction. A task lost to a broker outage is caught by the sweep.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from payments.donations.models import CAPTURED_STATES, Donation
from payments.donations.signals import gift_status_changed
from payments.outbox.queueing import enqueue, enqueue_on_commit
from payments.refunds.models import Refund
from payments.refunds.signals import refund_made
from payments.supporters.models import SupporterPage


@receiver(gift_status_changed, sender=Donation, dispatch_uid="payments.supporters_on_gift_event")
def follow_gift_money(sender, donation: Donation, status: str, **kwargs) -> None:
    """Captured, refunded, disputed or moved: bring its page's figure up to date, after commit."""
    if status not in CAPTURED_STATES:
        return
    donation_id, campaign_id = donation.pk, donation.campaign_id

    def queue() -> None:
        from payments.supporters.selectors import campaigns_with_supporter_pages
        from payments.supporters.tasks import supporter_gift_follow_task

        if campaign_id in campaigns_with_supporter_pages():
            enqueue(supporter_gift_follow_task, donation_id)

    transaction.on_commit(queue)


@receiver(refund_made, sender=Refund, dispatch_uid="payments.supporters_on_refund_made")
def follow_refund(sender, refund_id: int, donation_id: int, **kwargs) -> None:
    """A second partial refund leaves the status as it was: follow it here."""
    from payments.supporters.tasks import supporter_gift_follow_task

    enqueue_on_commit(supporter_gift_follow_task, donation_id)


@receiver(post_save, sender=SupporterPage, dispatch_uid="payments.supporters_page_saved")
def forget_supporter_campaigns(sender, instance: SupporterPage, created: bool, **kwargs) -> None:
    """A new page: its campaign now has pages (forgotten now and again after commit)."""
    if not created:
        return
    from payments.supporters.selectors import SUPPORTER_CAMPAIGNS_KEY

    cache.delete(SUPPORTER_CAMPAIGNS_KEY)
    transaction.on_commit(lambda: cache.delete(SUPPORTER_CAMPAIGNS_KEY))
