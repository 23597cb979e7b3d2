"""The campaign page's cached panels (campaigns.public_cache) show each change on the next view:
a newly verified beneficiary, a release in its notice period, its approval, a published report,
a partner."""

import pytest
from django.core.cache import cache

from payments.releases.services import release_approve
from reports.models import ReportKind, ReportRun, ReportStatus
from reports.services import run_store
from tests.builders import verified_milestone
from tests.cms_factories import CampaignPageFactory
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory, captured_donation

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(index, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.CAMPAIGN_PANELS_CACHE_SECONDS = 300  # only the version stamps can refresh the panels
    cache.clear()
    page = CampaignPageFactory(parent=index, campaign__status="live")
    captured_donation(page.campaign, 900_000)
    return page


def _panels(client, page) -> str:
    html = client.get(page.url).content.decode()
    return html[html.index('data-testid="disbursement-feed"') - 2000 :]


def test_each_record_change_shows_on_the_next_view(client, page, verifier, finance_officer):
    campaign = page.campaign
    assert "盘奶奶" not in _panels(client, page)  # the panels are now cached

    beneficiary = BeneficiaryFactory(campaign=campaign, pseudonym="盘奶奶", verified_by=verifier)
    assert "盘奶奶" in _panels(client, page)

    partner = PartnerFactory(name="江华县人民医院")
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner)
    html = _panels(client, page)
    assert "待批准的拨付" in html  # "Releases awaiting approval"

    release_approve(release=milestone.release, actor=finance_officer)
    assert 'data-testid="disbursement"' in _panels(client, page)

    campaign.partners.add(PartnerFactory(name="瑶乡培训学校"))
    assert "瑶乡培训学校" in _panels(client, page)

    run = ReportRun.objects.create(
        kind=ReportKind.CAMPAIGN_IMPACT, subject=f"campaign:{campaign.pk}", campaign=campaign,
        language="zh-hans", data_version="v1", status=ReportStatus.QUEUED,
    )  # fmt: skip
    assert f"/reports/{run.pk}/" not in _panels(client, page)
    run_store(run_id=run.pk, pdf=b"%PDF-1.7 report", data_checksum="0" * 64)
    assert "latest-report" in _panels(client, page)
