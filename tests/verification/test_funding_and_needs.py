from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from campaigns.models import AuditEvent, Beneficiary, Need, NeedStatus
from campaigns.money import Money
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.funding import campaign_fund_units, plan_units
from campaigns.verification.needs import (
    NeedNotOpen,
    TooManyHolds,
    need_fund,
    need_hold,
    need_holds_release,
    need_mark_delivered,
    need_post,
    need_verify,
    need_vet,
)
from campaigns.verification.selectors import needs_funnel, needs_match_rate, public_needs
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


def _posted(poster, vetter, beneficiary, *, title="A wheelchair", kind="mobility", cost="800"):
    """A need proposed by ``poster`` and vetted onto the board by ``vetter``."""
    need = need_post(actor=poster, beneficiary=beneficiary, title=title, kind=kind, amount=cny(cost))
    return need_vet(actor=vetter, need=need, note="Visited the household")


def test_needs_funnel_moves_forward_only(verifier, second_verifier, verified_beneficiary):
    need = _posted(verifier, second_verifier, verified_beneficiary)
    with pytest.raises(ValidationError):
        need_mark_delivered(need=need, actor=verifier)  # not funded yet
    need = need_hold(need=need, client="client-a", donor_alias="A teacher in Changsha")
    assert need_fund(need=need, gift_id=4242, hold_token=need.hold_token) is True
    need_mark_delivered(need=need, actor=verifier)
    with pytest.raises(ValidationError):
        need_verify(need=need, actor=second_verifier, note="seen")  # no evidence
    evidence_add(
        actor=verifier,
        need=need,
        file=ContentFile(b"jpg", name="p.jpg"),
        summary="Photo of delivery",
        dated=date.today(),
    )
    need_verify(need=need, actor=second_verifier, note="seen in use")
    assert need.status == NeedStatus.VERIFIED
    assert need.province == "湖南省"
    assert (need.funded_by_gift_id, need.verified_by_id) == (4242, second_verifier.pk)
    assert dict(needs_funnel()) == {"posted": 1, "matched": 1, "funded": 1, "delivered": 1, "verified": 1}


def test_needs_match_rate_counts_paid_claims_only_by_region_and_kind(
    verifier, second_verifier, verified_beneficiary
):
    # given a need held while its donor pays, one paid for, one open, and one not vetted
    held = _posted(
        verifier, second_verifier, verified_beneficiary, title="Uniform", kind="school", cost="200"
    )
    paid = _posted(verifier, second_verifier, verified_beneficiary, title="Books", kind="school", cost="100")
    _posted(verifier, second_verifier, verified_beneficiary, title="Wheelchair", kind="mobility", cost="800")
    need_post(
        actor=verifier, beneficiary=verified_beneficiary, title="Not vetted", kind="school", amount=cny("90")
    )
    need_hold(need=held, client="client-a", donor_alias="Someone")
    paid = need_hold(need=paid, client="client-b")
    assert need_fund(need=paid, gift_id=4243, hold_token=paid.hold_token) is True

    # then only the paid claim is a match; the held one counts as posted only
    assert needs_match_rate(by="province") == [{"group": "湖南省", "posted": 3, "matched": 1, "rate": 33}]
    assert needs_match_rate(by="kind") == [
        {"group": "mobility", "posted": 1, "matched": 0, "rate": 0},
        {"group": "school", "posted": 2, "matched": 1, "rate": 50},
    ]
    assert dict(needs_funnel()) == {"posted": 3, "matched": 1, "funded": 1, "delivered": 0, "verified": 0}


def test_only_field_officers_and_verifiers_post_needs(editor, verified_beneficiary):
    with pytest.raises(PermissionDenied):
        need_post(actor=editor, beneficiary=verified_beneficiary, title="x", kind="school", amount=cny("1"))
    assert not Need.objects.exists()


def test_a_proposed_need_is_not_public_until_another_verifier_vets_it(
    verifier, second_verifier, verified_beneficiary
):
    # given a need a verifier proposed
    need = need_post(actor=verifier, beneficiary=verified_beneficiary, title="Stove", kind="household",
                     amount=cny("300"))  # fmt: skip
    assert need.status == NeedStatus.PROPOSED
    assert list(public_needs()) == []
    # when its poster tries to vet it, then it is refused and it stays off the board
    with pytest.raises(PermissionDenied):
        need_vet(actor=verifier, need=need, note="fine")
    need.refresh_from_db()
    assert (need.status, need.vetted_by_id) == (NeedStatus.PROPOSED, None)
    assert list(public_needs()) == []
    # when another verifier vets it, then it is on the board
    need_vet(actor=second_verifier, need=need, note="Visited")
    assert [n.pk for n in public_needs()] == [need.pk]
    assert need.vetted_by_id == second_verifier.pk


def test_a_claim_without_payment_lapses_and_the_need_is_back_on_the_board(
    verifier, second_verifier, verified_beneficiary, settings
):
    # given a posted need, a 30-minute hold
    settings.NEEDS_HOLD_MINUTES = 30
    need = _posted(verifier, second_verifier, verified_beneficiary)
    claimed_at = timezone.now()
    need = need_hold(need=need, client="client-a", donor_alias="Someone", now=claimed_at)
    # then it is held: not open, nobody else can claim it
    assert need.status == NeedStatus.MATCHED
    assert need.held_until == claimed_at + timedelta(minutes=30)
    assert need.is_open(now=claimed_at + timedelta(minutes=29)) is False
    with pytest.raises(NeedNotOpen):
        need_hold(need=need, client="client-b", now=claimed_at + timedelta(minutes=29))
    # when 30 minutes pass without payment, it is open again at once (read time) ...
    later = claimed_at + timedelta(minutes=30, seconds=1)
    assert Need.objects.get(pk=need.pk).is_open(now=later) is True
    assert dict(needs_funnel(now=later))["matched"] == 0
    # ... and the beat task puts it back on the board, forgetting the claimer
    assert need_holds_release(now=later) == 1
    need.refresh_from_db()
    assert (need.status, need.held_until, need.hold_token, need.donor_alias) == ("posted", None, "", "")
    assert need_holds_release(now=later) == 0
    assert AuditEvent.objects.filter(action="need.hold_lapsed", subject_id=str(need.pk)).count() == 1
    # and a gift that was never made funds nothing: another donor may claim it
    need = need_hold(need=need, client="client-b", now=later)
    assert need.status == NeedStatus.MATCHED


def test_one_client_holds_at_most_the_limit_and_cannot_lock_the_board(
    verifier, second_verifier, verified_beneficiary, settings
):
    settings.NEEDS_HOLDS_PER_CLIENT = 2
    needs = [_posted(verifier, second_verifier, verified_beneficiary, title=f"Need {i}") for i in range(3)]
    need_hold(need=needs[0], client="greedy")
    need_hold(need=needs[1], client="greedy")
    # when the same client claims a third, then it is refused and the third stays open
    with pytest.raises(TooManyHolds):
        need_hold(need=needs[2], client="greedy")
    assert Need.objects.get(pk=needs[2].pk).status == NeedStatus.POSTED
    # another client may claim it
    assert need_hold(need=needs[2], client="someone-else").status == NeedStatus.MATCHED


def test_a_late_gift_funds_a_need_still_open_but_not_one_another_donor_holds(
    verifier, second_verifier, verified_beneficiary
):
    first, second = (_posted(verifier, second_verifier, verified_beneficiary, title=t) for t in ("A", "B"))
    start = timezone.now()
    first = need_hold(need=first, client="a", now=start)
    old_token = first.hold_token
    need_holds_release(now=start + timedelta(hours=1))
    # the hold lapsed and nobody claimed it: the late gift still funds it
    assert need_fund(need=first, gift_id=1, hold_token=old_token) is True
    assert Need.objects.get(pk=first.pk).status == NeedStatus.FUNDED
    # a second, held by donor b after a's hold lapsed: a's late gift does not take it
    second = need_hold(need=second, client="a", now=start)
    a_token = second.hold_token
    need_holds_release(now=start + timedelta(hours=1))
    need_hold(need=second, client="b")
    assert need_fund(need=second, gift_id=2, hold_token=a_token) is False
    second.refresh_from_db()
    assert (second.status, second.funded_by_gift_id) == (NeedStatus.MATCHED, None)


def test_delivery_is_verified_by_someone_other_than_who_reported_it(verifier, second_verifier, field_officer,
                                                                    verified_beneficiary):  # fmt: skip
    need = _posted(field_officer, verifier, verified_beneficiary)
    need = need_hold(need=need, client="a")
    need_fund(need=need, gift_id=7, hold_token=need.hold_token)
    # the field officer confirms the delivery and uploads the photo
    need_mark_delivered(need=need, actor=field_officer)
    evidence_add(actor=field_officer, need=need, file=ContentFile(b"jpg", name="p.jpg"), summary="Photo",
                 dated=date.today())  # fmt: skip
    # a field officer is not a verifier
    with pytest.raises(PermissionDenied):
        need_verify(need=need, actor=field_officer, note="delivered")
    # a verifier who uploaded a piece of its evidence may not verify it either
    evidence_add(actor=second_verifier, need=need, file=ContentFile(b"jpg", name="q.jpg"), summary="Receipt",
                 dated=date.today())  # fmt: skip
    with pytest.raises(PermissionDenied):
        need_verify(need=need, actor=second_verifier, note="ok")
    need.refresh_from_db()
    assert (need.status, need.verified_by_id) == (NeedStatus.DELIVERED, None)
    need_verify(need=need, actor=verifier, note="Seen in use")
    assert need.status == NeedStatus.VERIFIED


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
    for title, status in [("delivered", "delivered"), ("posted", "posted"), ("funded", "funded"),
                          ("proposed", "proposed"), ("rejected", "rejected")]:  # fmt: skip
        Need.objects.create(beneficiary=beneficiary, title=title, kind="mobility", amount_minor=90_000,
                            currency="CNY", status=status, province="湖南省", county="江华瑶族自治县",
                            posted_by=verifier,
                            funded_at=timezone.now() if status in ("funded", "delivered") else None)  # fmt: skip

    assert [n.status for n in public_needs()] == ["posted", "funded", "delivered"]


def test_a_delivery_is_not_verified_on_the_photo_taken_when_the_need_was_posted(
    field_officer, verifier, second_verifier, verified_beneficiary
):
    # given a need posted with a photo, vetted, funded and confirmed delivered (review finding 3)
    need = need_post(actor=field_officer, beneficiary=verified_beneficiary, title="A wheelchair", kind="mobility",
                     amount=cny("800"))  # fmt: skip
    evidence_add(actor=field_officer, need=need, file=ContentFile(b"jpg", name="need.jpg"),
                 summary="Photo of the need", dated=date.today())  # fmt: skip
    need = need_vet(actor=verifier, need=need, note="Visited the household")
    need = need_hold(need=need, client="client-a")
    need_fund(need=need, gift_id=4343, hold_token=need.hold_token)
    need_mark_delivered(need=need, actor=field_officer)

    # when a verifier verifies the delivery with nothing new uploaded, it is refused
    with pytest.raises(ValidationError):
        need_verify(need=need, actor=second_verifier, note="seen")
    need.refresh_from_db()
    assert (need.status, need.verified_by_id) == (NeedStatus.DELIVERED, None)

    # then evidence of the delivery itself lets another person verify it
    evidence_add(actor=field_officer, need=need, file=ContentFile(b"jpg", name="delivered.jpg"),
                 summary="The wheelchair at home", dated=date.today())  # fmt: skip
    need_verify(need=need, actor=second_verifier, note="Seen in use")
    need.refresh_from_db()
    assert (need.status, need.verified_by_id) == (NeedStatus.VERIFIED, second_verifier.pk)


def test_a_file_attached_with_verify_on_the_need_screen_is_not_kept_and_does_not_bar_the_verifier(
    client, field_officer, verifier, second_verifier, verified_beneficiary
):
    # given a funded need confirmed delivered by the field officer (review finding 10)
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from campaigns.models import Evidence

    need = _posted(field_officer, verifier, verified_beneficiary)
    need = need_hold(need=need, client="client-a")
    need_fund(need=need, gift_id=4444, hold_token=need.hold_token)
    need_mark_delivered(need=need, actor=field_officer)
    client.force_login(User.objects.get(pk=second_verifier.pk))
    url = reverse("verification_need_review", args=[need.pk])

    # when the second verifier attaches a file and presses "Verify delivery" in one post
    response = client.post(url, {"verify": "1", "note": "seen", "summary": "At home",
                                 "file": SimpleUploadedFile("home.jpg", b"jpg")})  # fmt: skip

    # then it is refused saying why, and neither the file nor the refusal stays behind
    assert response.status_code == 200
    assert "请单独上传交付证明" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.DELIVERED
    assert not Evidence.objects.filter(need=need, uploaded_by=second_verifier).exists()

    # and once the field officer has uploaded the delivery's evidence, the same verifier verifies it
    evidence_add(actor=field_officer, need=need, file=ContentFile(b"jpg", name="delivered.jpg"),
                 summary="The wheelchair at home", dated=date.today())  # fmt: skip
    client.post(url, {"verify": "1", "note": "Seen in use"})
    need.refresh_from_db()
    assert (need.status, need.verified_by_id) == (NeedStatus.VERIFIED, second_verifier.pk)


@pytest.mark.parametrize("cost", ["300", "1000000.01"])
def test_a_need_that_one_gift_cannot_pay_is_not_posted(verifier, verified_beneficiary, cost):
    # given a campaign whose smallest gift is ¥500 (and whose largest is ¥1,000,000): review finding 12
    campaign = verified_beneficiary.campaign
    type(campaign).objects.filter(pk=campaign.pk).update(min_donation_minor=50_000)
    verified_beneficiary.refresh_from_db()

    # when a need costing less, or more, is posted, it is refused and nothing is written
    with pytest.raises(ValidationError):
        need_post(actor=verifier, beneficiary=verified_beneficiary, title="Stove", kind="household",
                  amount=cny(cost))  # fmt: skip
    assert not Need.objects.exists()


def test_a_need_that_one_gift_cannot_pay_any_more_is_not_vetted(
    verifier, second_verifier, verified_beneficiary
):
    # given a need posted at ¥300, then the campaign's smallest gift raised to ¥500
    need = need_post(actor=verifier, beneficiary=verified_beneficiary, title="Stove", kind="household",
                     amount=cny("300"))  # fmt: skip
    campaign = verified_beneficiary.campaign
    type(campaign).objects.filter(pk=campaign.pk).update(min_donation_minor=50_000)

    # when it is vetted, it is refused and stays off the board
    with pytest.raises(ValidationError):
        need_vet(actor=second_verifier, need=Need.objects.get(pk=need.pk), note="Visited")
    assert Need.objects.get(pk=need.pk).status == NeedStatus.PROPOSED
