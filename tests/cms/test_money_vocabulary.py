"""Issue 9 §3, example 1: a release approved but not yet paid is "approved, not yet paid" on the
campaign page, its feed, the gift's trace and the impact report, and "paid to partners" only once
the payout is in the ledger, everywhere at once."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import translation

from payments.figures.vocabulary import label
from payments.releases.payouts import release_record_bank_transfer
from payments.releases.services import release_approve
from reports.documents import build_document
from reports.models import ReportKind, ReportRun
from tests.builders import verified_milestone
from tests.cms_factories import CampaignPageFactory
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory, captured_donation

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_2500(index, settings, tmp_path, verifier, finance_officer):
    """A campaign page whose ¥3,000 gift paid for a ¥2,500 release that finance approved."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.CAMPAIGN_PANELS_CACHE_SECONDS = 300  # the feed is cached: it must still follow the money
    cache.clear()
    page = CampaignPageFactory(parent=index)
    gift = captured_donation(page.campaign, 300_000)
    beneficiary = BeneficiaryFactory(campaign=page.campaign, pseudonym="盘奶奶", verified_by=verifier)
    partner = PartnerFactory(name="江华县人民医院")
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner, minor=250_000)
    release = release_approve(release=milestone.release, actor=finance_officer)
    return page, gift, release


def _figures(html: str, prefix: str) -> dict[str, str]:
    """The values of the ``data-testid="<prefix><figure>"`` elements for the release figures."""
    found = {}
    for name in ("held", "approved_unpaid", "paid"):
        marker = f'data-testid="{prefix}{name}">'
        start = html.index(marker) + len(marker)
        found[name] = html[start : html.index("<", start)]
    return found


def _report_html(campaign) -> str:
    run = ReportRun(kind=ReportKind.CAMPAIGN_IMPACT, subject=f"campaign:{campaign.pk}", language="en")
    return build_document(run).html


def _views(client, page, gift) -> dict:
    html = client.get(page.url).content.decode()
    trace = client.get(f"/payments/trace/{gift.public_id}/").content.decode()
    return {"page": html, "trace": trace, "report": _report_html(page.campaign)}


def test_approved_release_is_approved_not_yet_paid_everywhere_until_the_payout(
    client, approved_2500, finance_officer
):
    page, gift, release = approved_2500

    # when the page, the gift's trace and the impact report are read before the payout
    views = _views(client, page, gift)

    # then each says "approved, not yet paid ¥2,500" and "paid to partners ¥0"
    before = {"held": "¥500", "approved_unpaid": "¥2,500", "paid": "¥0"}
    assert _figures(views["page"], "figure-") == before
    assert _figures(views["page"], "feed-") == before
    assert _figures(views["trace"], "trace-") == {"held": "¥500", "approved_unpaid": "¥2,500", "paid": "¥0"}
    assert '<span data-figure="approved_unpaid">' in views["page"]  # the feed's line for the release
    assert '<span data-figure="approved_unpaid">' in views["trace"]
    report = views["report"]
    assert 'data-figure="approved_unpaid"><span class="value">¥2,500<' in report
    assert 'data-figure="paid"><span class="value">¥0<' in report
    with translation.override("en"):
        assert label("approved_unpaid") in report and "Released to partners" not in report
    # the page and the trace are served in the site's language, with the glossary's words
    with translation.override(django_settings.LANGUAGE_CODE):
        for name in ("approved_unpaid", "paid"):
            assert label(name) in views["page"] and label(name) in views["trace"]

    # when finance records the bank transfer that pays it
    release_record_bank_transfer(
        release=release, actor=finance_officer, reference="ICBC-2026-0042",
        proof=ContentFile(b"%PDF-1.4 bank slip", name="slip.pdf"),
    )  # fmt: skip
    views = _views(client, page, gift)

    # then the reverse, on every view (the cached feed included)
    after = {"held": "¥500", "approved_unpaid": "¥0", "paid": "¥2,500"}
    assert _figures(views["page"], "figure-") == after
    assert _figures(views["page"], "feed-") == after
    assert _figures(views["trace"], "trace-") == after
    assert '<span data-figure="approved_unpaid">' not in views["page"]
    assert '<span data-figure="paid">' in views["page"]
    assert '<span data-figure="paid">' in views["trace"]
    assert 'data-figure="paid"><span class="value">¥2,500<' in views["report"]
    assert 'data-figure="approved_unpaid"><span class="value">¥0<' in views["report"]
