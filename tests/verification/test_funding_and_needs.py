from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from campaigns.models import Beneficiary, NeedStatus
from campaigns.money import Money
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.funding import campaign_fund_units, plan_units
from campaigns.verification.needs import (
    need_mark_delivered,
    need_mark_funded,
    need_match,
    need_post,
    need_verify,
)
from campaigns.verification.selectors import needs_funnel, needs_match_rate
from tests.factories import CampaignFactory
from tests.verification.factories import BeneficiaryFactory

UNIT = Money("3000", "CNY")


def cny(x: str) -> Money:
    return Money(x, "CNY")


def test_pooled_money_buys_whole_units_in_queue_order_and_the_remainder_rolls_forward():
    plan = plan_units(unit_cost=UNIT, pooled=cny("7500"), earmarked={}, queue=[1, 2, 3, 4])
    assert plan.funded == (1, 2)
    assert plan.remainder == cny("1500")


def test_an_earmarked_gift_funds_its_beneficiary_first():
    # beneficiary 3 has ¥1,000 earmarked; the pool tops it up before the queue moves on
    plan = plan_units(unit_cost=UNIT, pooled=cny("5000"), earmarked={3: cny("1000")}, queue=[1, 2, 3])
    assert plan.funded == (1, 3)
    assert plan.remainder == cny("0")


def test_earmarks_beyond_a_unit_roll_into_the_pool_and_funding_is_never_taken_back():
    plan = plan_units(
        unit_cost=UNIT, pooled=cny("0"), earmarked={2: cny("4000")}, queue=[1, 2, 3], already_funded=[]
    )
    assert plan.funded == (2,)
    assert plan.remainder == cny("1000")
    # already funded keeps its unit even when it is later in the queue than unfunded ones
    later = plan_units(unit_cost=UNIT, pooled=cny("3000"), earmarked={}, queue=[1, 2], already_funded=[2])
    assert later.funded == (2,)


def test_campaign_fund_units_marks_beneficiaries_funded_once(db):
    campaign = CampaignFactory(status="live")
    first, second, third = (BeneficiaryFactory(campaign=campaign) for _ in range(3))
    campaign_fund_units(campaign=campaign, pooled=cny("6500"), earmarked={})
    funded = set(Beneficiary.objects.filter(funded_at__isnull=False).values_list("pk", flat=True))
    assert funded == {first.pk, second.pk}
    stamp = Beneficiary.objects.get(pk=first.pk).funded_at
    campaign_fund_units(campaign=campaign, pooled=cny("6500"), earmarked={})
    assert Beneficiary.objects.get(pk=first.pk).funded_at == stamp
    assert Beneficiary.objects.get(pk=third.pk).funded_at is None


def test_needs_funnel_moves_forward_only(verifier, verified_beneficiary):
    need = need_post(
        actor=verifier,
        beneficiary=verified_beneficiary,
        title="A wheelchair",
        kind="mobility",
        amount=cny("800"),
    )
    with pytest.raises(ValidationError):
        need_mark_delivered(need=need, actor=verifier)  # not funded yet
    need_match(need=need, actor=None, donor_alias="A teacher in Changsha")
    need_mark_funded(need=need)
    need_mark_delivered(need=need, actor=verifier)
    with pytest.raises(ValidationError):
        need_verify(need=need, actor=verifier, note="seen")  # no evidence
    evidence_add(
        actor=verifier,
        need=need,
        file=ContentFile(b"jpg", name="p.jpg"),
        summary="Photo of delivery",
        dated=date.today(),
    )
    need_verify(need=need, actor=verifier, note="seen in use")
    assert need.status == NeedStatus.VERIFIED
    assert need.province == "湖南省"
    assert dict(needs_funnel()) == {"posted": 1, "matched": 1, "funded": 1, "delivered": 1, "verified": 1}


def test_needs_match_rate_by_region_and_kind(verifier, verified_beneficiary):
    a = need_post(
        actor=verifier, beneficiary=verified_beneficiary, title="Uniform", kind="school", amount=cny("200")
    )
    need_post(
        actor=verifier,
        beneficiary=verified_beneficiary,
        title="Wheelchair",
        kind="mobility",
        amount=cny("800"),
    )
    need_match(need=a, actor=None)
    assert needs_match_rate(by="province") == [{"group": "湖南省", "posted": 2, "matched": 1, "rate": 50}]
    assert needs_match_rate(by="kind") == [
        {"group": "mobility", "posted": 1, "matched": 0, "rate": 0},
        {"group": "school", "posted": 1, "matched": 1, "rate": 100},
    ]
    assert dict(needs_funnel()) == {"posted": 2, "matched": 1, "funded": 0, "delivered": 0, "verified": 0}


def test_only_verifiers_post_needs(editor, verified_beneficiary):
    with pytest.raises(PermissionDenied):
        need_post(actor=editor, beneficiary=verified_beneficiary, title="x", kind="school", amount=cny("1"))


def test_a_received_gift_funds_the_next_beneficiary_in_the_queue(db, django_capture_on_commit_callbacks):
    from payments.models import DonationEvent
    from tests.verification.factories import captured_donation

    campaign = CampaignFactory(status="live")  # ¥3,000 a unit
    first, second = BeneficiaryFactory(campaign=campaign), BeneficiaryFactory(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        gift = captured_donation(campaign, 400_000)
        DonationEvent.objects.create(donation=gift, from_status="processing", to_status="succeeded")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.funded_at is not None
    assert second.funded_at is None


def test_the_needs_board_lists_open_needs_first(verifier):
    from campaigns.models import Need
    from campaigns.verification.selectors import public_needs
    from tests.verification.factories import BeneficiaryFactory

    beneficiary = BeneficiaryFactory()
    for title, status in [("delivered", "delivered"), ("posted", "posted"), ("funded", "funded")]:
        Need.objects.create(beneficiary=beneficiary, title=title, kind="mobility", amount_minor=90_000,
                            currency="CNY", status=status, province="湖南省", county="江华瑶族自治县",
                            posted_by=verifier)  # fmt: skip

    assert [n.status for n in public_needs()] == ["posted", "funded", "delivered"]
