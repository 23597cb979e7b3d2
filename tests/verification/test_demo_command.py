from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from campaigns.models import AuditEvent, Beneficiary, Milestone, Need, RegistryPerson
from payments.models import Allocation, Release, ReleaseStatus
from payments.trace.selectors import gift_trace
from tests.factories import CampaignFactory, PartnerFactory
from tests.verification.factories import captured_donation


def _row_counts() -> tuple[int, ...]:
    models = (RegistryPerson, Beneficiary, Milestone, Release, Allocation, Need, AuditEvent)
    return tuple(model.objects.count() for model in models)


def test_demo_traces_a_gift_to_a_verified_surgery_and_is_idempotent(db, settings):
    # given the cataract campaign with its hospital and a ¥5,000 gift in escrow, and no notice period
    settings.RELEASE_NOTICE_PERIOD = timedelta(0)
    campaign = CampaignFactory(slug="cataract-surgery", status="live")
    campaign.partners.add(PartnerFactory(name="江华瑶族自治县人民医院眼科"))
    gift = captured_donation(campaign, 500_000)
    # when the demo runs twice
    out = StringIO()
    call_command("demo_verification", stdout=out)
    counts = _row_counts()
    call_command("demo_verification", stdout=StringIO())
    # then the registry and three verified beneficiaries exist, and the surgery's release is paid
    assert counts[:2] == (8482, 3)
    release = Release.objects.get()
    assert release.status == ReleaseStatus.PAID
    assert release.approved_by.username == "finance" and release.milestone.verified_by.username == "verifier"
    line = gift_trace(donation=gift).disbursements[0]
    # (in English: the demo gives its beneficiaries English pseudonyms; this partner has none yet)
    assert (str(line.partner), str(line.beneficiary), str(line.amount), line.state) == (
        "江华瑶族自治县人民医院眼科 (not yet translated)",
        "Grandma Pan",
        "¥3,000",
        "paid",
    )
    assert f"/payments/trace/{gift.public_id}/" in out.getvalue()
    # and the second run added nothing
    assert counts == _row_counts()


def test_demo_without_gifts_leaves_the_release_requested(db):
    campaign = CampaignFactory(slug="cataract-surgery", status="live")
    campaign.partners.add(PartnerFactory())
    out = StringIO()
    call_command("demo_verification", stdout=out)
    assert Release.objects.get().status == ReleaseStatus.REQUESTED
    assert "not enough gifts in escrow" in out.getvalue()


def test_demo_leaves_the_release_in_its_public_notice_by_default(db):
    # given the cataract campaign with a gift in escrow, and the default notice period (24 hours)
    campaign = CampaignFactory(slug="cataract-surgery", status="live")
    campaign.partners.add(PartnerFactory())
    captured_donation(campaign, 500_000)
    out = StringIO()

    call_command("demo_verification", stdout=out)

    # then the surgery's release waits in public notice for a day: nothing is approved or paid
    release = Release.objects.get()
    assert release.status == ReleaseStatus.REQUESTED
    assert (
        timedelta(hours=23, minutes=59) < release.notice_ends_at - release.requested_at <= timedelta(hours=24)
    )
    assert release.approved_by is None
    assert "waits for its public notice period" in out.getvalue()


def test_demo_ships_an_entrepreneurs_staged_grant_with_stage_one_released_as_the_ledger_says(db, settings):
    # given the entrepreneur campaign (¥12,000 per leader) with its training centre, gifts in
    # escrow, and no notice period
    from campaigns.models import CampaignKind, Grant
    from payments.figures.selectors import campaign_totals_from_postings
    from payments.ledger.services import balance_of, escrow_account

    settings.RELEASE_NOTICE_PERIOD = timedelta(0)
    campaign = CampaignFactory(slug="entrepreneur-leaders", kind=CampaignKind.LIVELIHOOD, status="live",
                               unit_cost_minor=1_200_000)  # fmt: skip
    campaign.partners.add(PartnerFactory(name="凉山州乡村创业带头人培训中心", kind="training_centre"))
    captured_donation(campaign, 500_000)

    # when the demo runs twice
    out = StringIO()
    call_command("demo_verification", stdout=out)
    counts = _row_counts()
    call_command("demo_verification", stdout=StringIO())

    # then one leader has a ¥12,000 grant in three stages adding up to it; stage 1 is verified and
    # paid, the others ahead, and the ledger agrees
    grant = Grant.objects.get()
    stages = list(grant.stages.order_by("stage").values_list("stage", "amount_minor", "status"))
    assert grant.amount_minor == 1_200_000 == sum(amount for _n, amount, _s in stages)
    assert stages == [(1, 300_000, "verified"), (2, 300_000, "planned"), (3, 600_000, "planned")]
    release = Release.objects.get(milestone__grant=grant)
    assert (release.status, release.amount_minor) == (ReleaseStatus.PAID, 300_000)
    assert campaign_totals_from_postings(campaign=campaign).paid.to_minor() == 300_000
    assert balance_of(escrow_account(campaign)).to_minor() == 200_000
    assert "staged grant" in out.getvalue()
    assert counts == _row_counts()
