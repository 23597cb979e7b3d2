import hashlib
import io
import os
import re

import pypdf
import pytest
from wagtail_factories import ImageFactory

from campaigns.models import CampaignStatus
from payments.figures.selectors import campaign_totals_uncached
from reports import services
from reports.models import ReportKind, ReportRun, ReportStatus
from tests.factories import CampaignFactory, PartnerFactory
from tests.reports.conftest import pdf_text
from tests.reports.factories import captured_donation, gift, paid_release
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded_campaign(verifier, finance_officer, private_root):
    """Three gifts (one refunded), three verified surgeries paid to the hospital, one photo missing."""
    campaign = CampaignFactory(title="白内障复明手术 江华", status=CampaignStatus.LIVE)
    partner = PartnerFactory(name="江华县人民医院")
    captured_donation(campaign, email="a@example.com", minor=1_250_050)  # ¥12,500.50
    captured_donation(campaign, email="b@example.com", minor=600_000)
    captured_donation(campaign, email="c@example.com", minor=33_333, refunded_minor=33_333)
    people = [
        BeneficiaryFactory(campaign=campaign, pseudonym="盘奶奶", story="她又能看见孙子了。"),
        BeneficiaryFactory(campaign=campaign, pseudonym="赵爷爷", story_consent=False, story="不公开的故事"),
        BeneficiaryFactory(campaign=campaign, pseudonym="李阿姨", photo=ImageFactory(), photo_consent=True),
    ]
    for person in people:
        paid_release(beneficiary=person, partner=partner, verifier=verifier, finance_officer=finance_officer)
    # the consented photo's file has been lost from storage
    os.remove(people[2].photo.file.path)
    return campaign, people


def test_campaign_report_prints_the_ledger_figures_in_both_languages(
    funded_campaign, private_root, django_capture_on_commit_callbacks
):
    # given a campaign with gifts, paid releases and a refund in the ledger
    campaign, people = funded_campaign
    totals = campaign_totals_uncached(campaign=campaign)
    # when its report is requested (tasks run eagerly in tests)
    with django_capture_on_commit_callbacks(execute=True):
        runs = services.request_campaign_report(campaign.pk)
    # then one PDF per language holds exactly the ledger's figures and no restricted data
    assert sorted(r.language for r in runs) == ["en", "zh-hans"]
    figures = ("raised", "held", "approved_unpaid", "paid", "refunded")
    assert tuple(str(getattr(totals, f)) for f in figures) == (
        "¥18,833.83",
        "¥9,500.50",
        "¥0",
        "¥9,000",
        "¥333.33",
    )
    for run in runs:
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE
        assert run.progress == 100
        data = run.file.read()
        assert hashlib.sha256(data).hexdigest() == run.checksum
        text = pdf_text(data)
        for figure in ("¥18,833.83", "¥9,500.50", "¥9,000", "¥333.33", "¥300,000"):
            assert figure in text
        assert "白内障复明手术 江华" in text
        flat = text.replace("\n", "")  # table cells wrap
        assert flat.count("江华县人民医院") >= 3  # each paid release in the disbursement list
        squashed = re.sub(r"\s+", "", text)
        assert squashed.count("Dischargenotefromthehospital(") >= 3  # evidence references
        assert "盘奶奶" in text and "她又能看见孙子了。" in text
        assert "不公开的故事" not in text  # no consent, no story
        for person in people:
            registry = person.registry_person
            for restricted in (registry.id_number, registry.phone, registry.name, registry.household.village):
                assert restricted not in flat
        assert not re.search(
            r"\d{17}[\dX]", flat.replace(run.data_checksum, "")
        )  # nothing shaped like an ID number
        # nor like a mobile number (outside the data checksum, whose hex digits may hold eleven in a row)
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", flat.replace(run.data_checksum, ""))
        assert run.data_checksum in flat
        pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
        assert f"{pages} / {pages}" in text  # page numbers on every page after the cover
        assert "Photo unavailable." in text or "照片" in text  # the lost photo did not break the report


def test_asking_again_without_new_data_reuses_the_runs(
    funded_campaign, private_root, django_capture_on_commit_callbacks
):
    funded_campaign = funded_campaign[0]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_campaign_report(funded_campaign.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.request_campaign_report(funded_campaign.pk)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert callbacks == []  # nothing enqueued
    assert ReportRun.objects.count() == 2
    # a new gift is new data: a new pair of runs
    gift(funded_campaign, 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        newer = services.request_campaign_report(funded_campaign.pk)
    assert {r.pk for r in newer}.isdisjoint({r.pk for r in first})
    assert ReportRun.objects.filter(status=ReportStatus.DONE).count() == 4


def test_campaign_without_donations_reports_zeros(private_root, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.request_campaign_report(campaign.pk, languages=["en"])
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE
    text = pdf_text(run.file.read())
    assert "No gifts have reached this campaign yet." in text
    assert "No release has been approved yet." in text
    assert text.count("¥0") >= 4


def test_unknown_campaign_fails_with_a_readable_error_and_no_file(
    private_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.request_campaign_report(987654, languages=["en"])
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED
    assert run.error == "campaign 987654 does not exist"
    assert not run.file
    assert run.checksum == ""
    assert not (private_root / "reports").exists()


def test_a_failed_run_asked_for_again_is_queued_again(private_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.request_campaign_report(987654, languages=["en"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (again,) = services.request_campaign_report(987654, languages=["en"])
    assert again.pk == run.pk
    assert again.status == ReportStatus.QUEUED
    assert again.error == ""
    assert len(callbacks) == 1


def test_storing_twice_keeps_the_first_file(
    funded_campaign, private_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.request_campaign_report(funded_campaign[0].pk, languages=["en"])
    run.refresh_from_db()
    first_checksum = run.checksum
    assert services.run_store(run_id=run.pk, pdf=b"%PDF-other", data_checksum="x") is None
    run.refresh_from_db()
    assert run.checksum == first_checksum
    assert run.file.read()[:4] == b"%PDF"
    assert list((private_root / "reports" / ReportKind.CAMPAIGN_IMPACT).iterdir()) == [
        private_root / "reports" / ReportKind.CAMPAIGN_IMPACT / f"{run.pk}-en.pdf"
    ]
