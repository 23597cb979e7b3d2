"""Issue 9 §3: each money figure is defined once (docs/glossary.md) and computed from the ledger.

One campaign goes through every kind of entry (gifts, a full refund, a refund that fails at the
provider, a gift moved to a sibling, disputes won / lost / open, a release paid and one approved
but not yet paid), and each figure is checked against its definition, to the cent.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from campaigns.models import CampaignStatus, FundingModel
from payments.all_or_nothing.services import all_or_nothing_settle, donation_move
from payments.allocation.services import breakdown_of
from payments.figures.selectors import campaign_totals_uncached, platform_totals
from payments.gateway.card import TerminalGatewayError
from payments.ledger.models import AccountKind
from payments.ledger.services import balance_of, escrow_account
from payments.models import LedgerEntry, OutboxCommand, Refund
from payments.refunds.services import outbox_due_ids, outbox_execute, refund_request
from payments.releases.payouts import release_record_bank_transfer
from payments.releases.services import release_approve
from reports.selectors.transparency import platform_transparency
from tests.builders import verified_milestone
from tests.factories import CampaignFactory, PartnerFactory
from tests.payments.conftest import cny, post_signed
from tests.payments.factories import give
from tests.payments.test_disputes import dispute_event
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def _run_refunds() -> None:
    for pk in outbox_due_ids():
        outbox_execute(command_id=pk)


def _paid_by_bank(release, finance_officer):
    return release_record_bank_transfer(
        release=release, actor=finance_officer, reference=f"ICBC-{release.pk}",
        proof=ContentFile(b"%PDF-1.4 bank slip", name="slip.pdf"),
    )  # fmt: skip


@pytest.fixture
def every_kind_of_entry(
    client, fake_gateway, campaign, verifier, finance_officer, settings, tmp_path,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The campaign after every kind of ledger entry; returns (campaign, sibling, gifts)."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    sibling = CampaignFactory(status=CampaignStatus.LIVE)
    gifts = {
        name: give(campaign, amount, email=f"{name}@example.cn")
        for name, amount in [("refunded", "1000"), ("failed_refund", "500"), ("won", "300"),
                             ("lost", "200"), ("open", "400"), ("moved", "100")]
    }  # fmt: skip
    # a full refund that succeeds at the provider
    refund_request(donation=gifts["refunded"], amount=cny("1000"), actor=finance_officer, reason="asked")
    _run_refunds()
    # a partial refund that the provider refuses for good: its reversal puts the ¥200 back
    fake_gateway.fail_next("refund_create", TerminalGatewayError("charge is too old", code="charge_expired"))
    refund_request(donation=gifts["failed_refund"], amount=cny("200"), actor=finance_officer, reason="asked")
    _run_refunds()
    # disputes, through signed provider events: one won, one lost, one still open
    with django_capture_on_commit_callbacks(execute=True):
        for name, closed in [("won", "won"), ("lost", "lost"), ("open", None)]:
            post_signed(client, dispute_event(gifts[name], 1, "charge.dispute.created"))
            if closed:
                post_signed(client, dispute_event(gifts[name], 2, "charge.dispute.closed", status=closed))
    # a gift moved to a sibling campaign
    donation_move(donation=gifts["moved"], to=sibling)
    # a ¥300 release paid by bank transfer and a ¥200 release approved but not yet paid
    beneficiary = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    partner = PartnerFactory()
    first = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner, minor=30_000)
    _paid_by_bank(release_approve(release=first.release, actor=finance_officer), finance_officer)
    second = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner, minor=20_000)
    release_approve(release=second.release, actor=finance_officer)
    return campaign, sibling, gifts


def test_each_campaign_figure_follows_its_ledger_definition(every_kind_of_entry):
    campaign, sibling, _gifts = every_kind_of_entry

    totals = campaign_totals_uncached(campaign=campaign)

    # raised: captured 2,500 less the ¥100 moved out; refunded: the failed refund does not count
    assert (totals.raised, totals.refunded) == (cny("2400"), cny("1000"))
    # a won dispute is back in escrow; a lost one is lost; an open one is disputed now
    assert (totals.disputed, totals.lost_to_disputes) == (cny("400"), cny("200"))
    assert (totals.approved_unpaid, totals.paid) == (cny("200"), cny("300"))
    assert totals.held == cny("300") == balance_of(escrow_account(campaign))
    assert totals.counted == cny("800")  # raised − refunded − disputed − lost
    assert totals.matched == cny("0")
    # every cent raised is in exactly one figure
    assert totals.to_recover == cny("0")  # no refund was made at the provider after release
    assert totals.raised == (totals.held + totals.approved_unpaid + totals.paid + totals.refunded
                             + totals.disputed + totals.lost_to_disputes)  # fmt: skip
    # donors: the partly-refunded-then-restored gift and the won dispute; not the gift refunded in
    # full, not the ones lost to or held by a dispute, not the gift moved away
    assert totals.donors == 2
    moved_to = campaign_totals_uncached(campaign=sibling)
    assert (moved_to.raised, moved_to.held, moved_to.donors) == (cny("100"), cny("100"), 1)


def test_each_gift_uses_the_same_words_and_adds_up_to_the_campaign(every_kind_of_entry):
    campaign, _sibling, gifts = every_kind_of_entry

    parts = {name: breakdown_of(gift) for name, gift in gifts.items() if name != "moved"}

    restored = parts["failed_refund"]  # FIFO: both releases took this gift's cents
    assert (restored.held, restored.approved_unpaid, restored.paid, restored.refunded) == (
        cny("0"), cny("200"), cny("300"), cny("0"),
    )  # fmt: skip
    assert (parts["refunded"].refunded, parts["refunded"].counted) == (cny("1000"), cny("0"))
    assert (parts["lost"].lost_to_disputes, parts["lost"].disputed) == (cny("200"), cny("0"))
    assert (parts["open"].disputed, parts["open"].lost_to_disputes) == (cny("400"), cny("0"))
    assert parts["won"].held == cny("300")
    totals = campaign_totals_uncached(campaign=campaign)
    for figure in ("held", "approved_unpaid", "paid", "refunded", "disputed", "lost_to_disputes", "counted"):
        assert sum((getattr(p, figure) for p in parts.values()), cny(0)) == getattr(totals, figure), figure


def test_platform_totals_are_the_campaign_figures_summed(every_kind_of_entry):
    campaign, sibling, _gifts = every_kind_of_entry

    (row,) = platform_totals()

    one, other = campaign_totals_uncached(campaign=campaign), campaign_totals_uncached(campaign=sibling)
    assert row.currency == "CNY"
    for figure in ("raised", "held", "approved_unpaid", "paid", "refunded", "disputed", "lost_to_disputes"):
        assert getattr(row, figure) == getattr(one, figure) + getattr(other, figure), figure
    assert (row.raised, row.paid, row.counted) == (cny("2500"), cny("300"), cny("900"))


def test_donors_follow_the_money_not_the_gift_status(fake_gateway, campaign, finance_officer):
    # given two donors, one of whom gave twice and the other is refunded in full (the provider has
    # not answered yet)
    give(campaign, "300", email="stays@example.cn")
    give(campaign, "50", email="stays@example.cn")
    leaves = give(campaign, "300", email="leaves@example.cn")
    assert campaign_totals_uncached(campaign=campaign).donors == 2

    # when the refund is booked (escrow → refunds), before the provider confirms it
    refund_request(donation=leaves, amount=cny("300"), actor=finance_officer, reason="asked")

    # then the donor no longer counts, as the money has left the campaign's escrow
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.donors, totals.refunded, totals.counted) == (1, cny("300"), cny("350"))


# --- Example 2: all-or-nothing compares the goal with the money that still counts -----------


@pytest.fixture
def aon_goal_1000(db):
    return CampaignFactory(status=CampaignStatus.LIVE, funding_model=FundingModel.ALL_OR_NOTHING,
                           goal_minor=100_000, deadline=date.today() + timedelta(days=1))  # fmt: skip


def test_all_or_nothing_gift_refunded_before_the_deadline_does_not_fund_the_campaign(
    stripe_api, aon_goal_1000, finance_officer
):
    # given one ¥1,000 gift (through localstripe) refunded in full before the deadline
    campaign = aon_goal_1000
    gift = give(campaign, "1000")
    refund_request(donation=gift, amount=cny("1000"), actor=finance_officer, reason="donor asked")
    _run_refunds()
    assert Refund.objects.get().status == "succeeded"

    # when the deadline passes
    result = all_or_nothing_settle(today=campaign.deadline + timedelta(days=1))

    # then the campaign failed (it holds ¥0 against a ¥1,000 goal), and no second refund is made
    campaign.refresh_from_db()
    assert (result["funded"], result["failed"], campaign.status) == (0, 1, CampaignStatus.FAILED)
    assert (result["refunded"], Refund.objects.count(), OutboxCommand.objects.count()) == (0, 1, 1)
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.counted, totals.held) == (cny("1000"), cny("0"), cny("0"))


def test_all_or_nothing_failed_refund_counts_again_and_the_campaign_is_funded(fake_gateway, aon_goal_1000,
                                                                             finance_officer):  # fmt: skip
    # given a ¥1,000 gift whose refund the provider refused for good (the ledger reversed it)
    campaign = aon_goal_1000
    gift = give(campaign, "1000")
    fake_gateway.fail_next("refund_create", TerminalGatewayError("charge is too old", code="charge_expired"))
    refund_request(donation=gift, amount=cny("1000"), actor=finance_officer, reason="donor asked")
    _run_refunds()
    assert LedgerEntry.objects.filter(kind="refund.issued.reversal").count() == 1

    # when the deadline passes
    result = all_or_nothing_settle(today=campaign.deadline + timedelta(days=1))

    # then the money still counts: funded, escrow kept
    campaign.refresh_from_db()
    assert (result["funded"], campaign.status) == (1, CampaignStatus.FUNDED)
    assert balance_of(escrow_account(campaign)) == cny("1000")


def test_all_or_nothing_open_dispute_does_not_count_towards_the_goal(
    client, fake_gateway, aon_goal_1000, django_capture_on_commit_callbacks
):
    # given a ¥1,000 gift under an open dispute at the deadline
    campaign = aon_goal_1000
    gift = give(campaign, "1000")
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, dispute_event(gift, 1, "charge.dispute.created"))

    # when the deadline passes
    result = all_or_nothing_settle(today=campaign.deadline + timedelta(days=1))

    # then the goal is not met
    campaign.refresh_from_db()
    assert (result["failed"], campaign.status) == (1, CampaignStatus.FAILED)


def test_finance_refund_screen_shows_the_gift_in_the_same_words(every_kind_of_entry, client, finance_officer):
    # given the gift whose cents paid for both releases (its own refund failed at the provider)
    _campaign, _sibling, gifts = every_kind_of_entry
    client.force_login(finance_officer)

    # when finance opens its refund screen
    html = client.get(f"/admin/finance/gifts/{gifts['failed_refund'].public_id}/refund/").content.decode()

    # then it shows where the gift's cents are, with the glossary's figures
    for name, value in [("captured", "¥500"), ("held", "¥0"), ("approved_unpaid", "¥200"), ("paid", "¥300"),
                        ("refunded", "¥0")]:  # fmt: skip
        assert f'data-testid="gift-{name}">{value}<' in html, name


def test_transparency_page_report_and_feed_api_show_the_same_figures(every_kind_of_entry, client):
    campaign, _sibling, _gifts = every_kind_of_entry

    # when the public reads the transparency page, its report's data and the campaign's feed API
    page = client.get("/payments/transparency/").content.decode()
    (report,) = platform_transparency().totals
    api = client.get(f"/payments/api/campaigns/{campaign.slug}/disbursements.json").json()

    # then all three carry the selector's figures (both campaigns on the platform, one in the API)
    platform = {"raised": "¥2,500", "held": "¥400", "approved_unpaid": "¥200", "paid": "¥300",
                "refunded": "¥1,000", "disputed": "¥400", "lost_to_disputes": "¥200"}  # fmt: skip
    for name, value in platform.items():
        assert re.search(rf'<td data-figure="{name}"[^>]*>{re.escape(value)}</td>', page), name
        assert str(getattr(report, name)) == value, name
    figures = {name: Decimal(amount) for name, amount in api["figures"].items()}
    assert figures == {"raised": 2400, "held": 300, "approved_unpaid": 200, "paid": 300, "refunded": 1000,
                       "disputed": 400, "lost_to_disputes": 200, "to_recover": 0, "counted": 800,
                       "matched": 0}  # fmt: skip
    assert api["donors"] == 2
    assert sorted(line["figure"] for line in api["disbursements"]) == ["approved_unpaid", "paid"]


@pytest.mark.skipif(
    not hasattr(AccountKind, "PLATFORM_RECEIVABLE"), reason="ADR 0208's receivable not here yet"
)
def test_a_refund_after_release_is_refunded_in_full_and_to_recover(
    fake_gateway, campaign, verifier, finance_officer, settings, tmp_path
):
    # given a ¥300 gift whose cents all paid a partner
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    gift = give(campaign, "300")
    beneficiary = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier, minor=30_000)
    _paid_by_bank(release_approve(release=milestone.release, actor=finance_officer), finance_officer)

    # when the provider refunds it anyway (in its dashboard) and we hear of it: escrow holds nothing
    # of the gift, so the platform receivable fronts it (ADR 0208)
    from payments.refunds.provider import provider_refund_sync

    gift.refresh_from_db()
    refund_id = fake_gateway.dashboard_refund(cny("300"), payment_intent_id=gift.provider_payment_intent_id)
    provider_refund_sync(seen=fake_gateway.refund_retrieve(refund_id))

    # then it is refunded in full and to recover; paid stays paid; nothing counts any more
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.refunded, totals.to_recover, totals.paid, totals.held) == (
        cny("300"), cny("300"), cny("300"), cny("0"))  # fmt: skip
    assert (totals.counted, totals.donors) == (cny("0"), 0)
    assert totals.raised + totals.to_recover == totals.held + totals.paid + totals.refunded
    part = breakdown_of(gift)
    assert (part.held, part.paid, part.refunded, part.to_recover) == (
        cny("0"),
        cny("300"),
        cny("300"),
        cny("300"),
    )
