"""Unit funding refreshed at most about once a second per campaign, and exact once the last
refresh after the last gift has run (ADR 0223). Money state only through the builders."""

import pytest
from django.core.cache import cache

from campaigns.models import Beneficiary
from campaigns.money import Money
from campaigns.verification.funding import funding_queue, plan_units
from payments.figures import tasks as figure_tasks
from payments.models import Donation
from payments.outbox import queueing
from tests.builders import gift, refund
from tests.factories import CampaignFactory
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def _funded(campaign) -> set[int]:
    return set(
        Beneficiary.objects.filter(campaign=campaign, funded_at__isnull=False).values_list("id", flat=True)
    )


def _recount(campaign, *, already: set[int]) -> set[int]:
    """Who the rule funds, from the gifts themselves (amount less refunds), not the kept figures."""
    zero = Money.zero(campaign.currency)
    earmarked: dict[int, Money] = {}
    total = zero
    for g in Donation.objects.filter(campaign=campaign, captured_at__isnull=False):
        left = Money.from_minor(g.amount_minor - g.refunded_minor, g.currency)
        total += left
        if g.earmark_beneficiary_id is not None:
            earmarked[g.earmark_beneficiary_id] = earmarked.get(g.earmark_beneficiary_id, zero) + left
    plan = plan_units(unit_cost=campaign.unit_cost, pooled=total - sum(earmarked.values(), zero),
                      earmarked=earmarked, queue=funding_queue(campaign=campaign),
                      already_funded=sorted(already))  # fmt: skip
    return set(plan.funded)


@pytest.fixture
def queued_refreshes(monkeypatch):
    """Unit-funding refreshes are kept (as a broker would, until a worker runs them); every other
    task runs as usual."""
    kept: list[tuple[int, float | None]] = []
    send = queueing.enqueue

    def enqueue(task, *args, countdown=None):
        if task.name == figure_tasks.unit_funding_refresh.name:
            kept.append((args[0], countdown))
            return True
        return send(task, *args, countdown=countdown)

    monkeypatch.setattr(queueing, "enqueue", enqueue)
    return kept


def test_gifts_while_a_refresh_is_queued_queue_nothing_and_that_refresh_sees_them_all(
    queued_refreshes, django_capture_on_commit_callbacks
):
    # given a unit campaign (¥3,000 a unit) with three verified beneficiaries in its queue
    campaign = CampaignFactory(status="live")
    queue = [BeneficiaryFactory(campaign=campaign) for _ in range(3)]
    cache.delete(f"unit-funding-due:{campaign.pk}")

    # when seven gifts of ¥1,000 are captured one after another, before any worker runs
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(7):
            gift(campaign, 100_000, email=f"d{i}@example.cn")

    # then one refresh is queued, a second later, and nobody is funded yet
    assert queued_refreshes == [(campaign.pk, 1.0)]
    assert _funded(campaign) == set()

    # when the worker runs it
    figure_tasks.unit_funding_refresh(campaign.pk)

    # then it saw all seven gifts: two units funded, as a recount of the gifts says
    assert _funded(campaign) == _recount(campaign, already=set()) == {queue[0].pk, queue[1].pk}

    # and the next gift, committed after that refresh started, queues the next one
    with django_capture_on_commit_callbacks(execute=True):
        gift(campaign, 200_000, email="late@example.cn")
    assert queued_refreshes == [(campaign.pk, 1.0), (campaign.pk, 1.0)]
    figure_tasks.unit_funding_refresh(campaign.pk)
    assert _funded(campaign) == _recount(campaign, already=set()) == {b.pk for b in queue}


def test_after_many_gifts_and_a_refund_the_refreshed_funding_equals_a_recount(
    django_capture_on_commit_callbacks,
):
    # given a unit campaign with four verified beneficiaries, the last one with an earmarked gift
    campaign = CampaignFactory(status="live")
    queue = [BeneficiaryFactory(campaign=campaign) for _ in range(4)]
    cache.delete(f"unit-funding-due:{campaign.pk}")

    # when gifts are captured (refreshes run as each is queued: Celery eager) and one is refunded
    with django_capture_on_commit_callbacks(execute=True):
        gifts = [gift(campaign, 70_000, email=f"d{i}@example.cn") for i in range(6)]  # ¥4,200 pooled
        gift(campaign, 250_000, email="own@example.cn", earmark=queue[3])  # ¥2,500 for the fourth
    funded_before = _funded(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        refund(gifts[0], 70_000)
        gift(campaign, 60_000, email="after@example.cn")

    # then the kept funding equals the rule applied to a recount of the gifts, before and after
    assert funded_before == _recount(campaign, already=set()) == {queue[0].pk, queue[3].pk}
    assert _funded(campaign) == _recount(campaign, already=funded_before)
    assert _funded(campaign) == {queue[0].pk, queue[3].pk}


def test_a_refresh_is_queued_anyway_when_redis_cannot_say_whether_one_is(queued_refreshes, monkeypatch):
    # given a cache that answers as the degrading backend does during an outage
    from payments.figures import unit_funding

    monkeypatch.setattr(unit_funding.cache, "add", lambda *a, **k: False)
    monkeypatch.setattr(unit_funding.cache, "get", lambda *a, **k: None)

    # when two gifts' commits ask for a refresh
    unit_funding.unit_funding_due(41)
    unit_funding.unit_funding_due(41)

    # then each queued one (a refresh too many, never one too few)
    assert queued_refreshes == [(41, 1.0), (41, 1.0)]
