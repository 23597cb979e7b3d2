"""Signal receivers of matching, connected in ``PaymentsConfig.ready``.

This is matching's only hook into the gift flow: a gift's status change (``gift_status_changed``,
sent in the transaction of the capture, refund, dispute or move) queues
``gift_matches_follow`` once that transaction commits, if a pool names the gift's campaign
(``campaigns_with_matching``, read from the cache after the commit); a refund made
(``refund_made``, a second partial refund changes no status) queues it too. Nothing is read or
written in the capture's own transaction, and a gift to a campaign without pools queues nothing
(ADR 0227). A queued task lost to a broker outage, or a stale cache, is caught by the sweep.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from campaigns.public_cache import bump_campaign_panels
from payments.donations.models import CAPTURED_STATES, Donation
from payments.donations.signals import gift_status_changed
from payments.matching.models import MatchPool, PoolMatch, PoolPayIn
from payments.outbox.queueing import enqueue, enqueue_on_commit
from payments.refunds.models import Refund
from payments.refunds.signals import refund_made


@receiver(gift_status_changed, sender=Donation, dispatch_uid="payments.matching_on_gift_event")
def follow_gift_money(sender, donation: Donation, status: str, **kwargs) -> None:
    """Captured, refunded, charged back or moved: match it or give back its match, after commit."""
    if status not in CAPTURED_STATES:
        return
    donation_id, campaign_id = donation.pk, donation.campaign_id

    def queue() -> None:
        from payments.matching.selectors import campaigns_with_matching
        from payments.matching.tasks import gift_matches_follow_task

        if campaign_id in campaigns_with_matching():
            enqueue(gift_matches_follow_task, donation_id)

    transaction.on_commit(queue)


@receiver(refund_made, sender=Refund, dispatch_uid="payments.matching_on_refund_made")
def follow_refund(sender, refund_id: int, donation_id: int, **kwargs) -> None:
    """A second partial refund leaves the status as it was (no gift event): follow it here. Sent
    after commit already, so ``on_commit`` queues it at once."""
    from payments.matching.tasks import gift_matches_follow_task

    enqueue_on_commit(gift_matches_follow_task, donation_id)


@receiver(m2m_changed, sender=MatchPool.campaigns.through, dispatch_uid="payments.matching_campaigns_changed")
def forget_matching_campaigns(sender, **kwargs) -> None:
    """A pool's campaigns changed: the next gift event reads which campaigns have pools again (now,
    and once more after commit, in case another process cached the set before this change)."""
    from payments.matching.selectors import MATCHING_CAMPAIGNS_KEY

    cache.delete(MATCHING_CAMPAIGNS_KEY)
    transaction.on_commit(lambda: cache.delete(MATCHING_CAMPAIGNS_KEY))
    # The campaigns that gained or lost the pool show it, or no longer, on their pages.
    if kwargs.get("action", "").startswith("post_"):
        instance, reverse, pk_set = kwargs.get("instance"), kwargs.get("reverse"), kwargs.get("pk_set") or ()
        for campaign_id in [instance.pk] if reverse else pk_set:
            bump_campaign_panels(campaign_id=campaign_id)


@receiver(post_save, sender=MatchPool, dispatch_uid="payments.matching_pool_pages")
@receiver(post_save, sender=PoolPayIn, dispatch_uid="payments.matching_pay_in_pages")
@receiver(post_save, sender=PoolMatch, dispatch_uid="payments.matching_match_pages")
def pool_pages_changed(sender, instance, **kwargs) -> None:
    """What a pool can still match shows on every eligible campaign's page: a pool saved, a
    pay-in recorded or confirmed, or a match made starts a new panel version for each of them
    (the kept pages of ADR 0241)."""
    pool_id = instance.pk if isinstance(instance, MatchPool) else instance.pool_id
    for campaign_id in MatchPool.campaigns.through.objects.filter(matchpool_id=pool_id).values_list(
        "campaign_id", flat=True
    ):
        bump_campaign_panels(campaign_id=campaign_id)
