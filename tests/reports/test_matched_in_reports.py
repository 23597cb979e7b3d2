"""Issue 14 (new-user check): matched funds on every view that shows raised and held — the
disbursement feed, the campaign impact PDF — and each gift's match on the donor's statement; the
PDFs' cover names the site's zone in the reader's language."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation

from campaigns.models import CampaignStatus
from payments.figures.selectors import campaign_totals_uncached
from payments.figures.vocabulary import label
from reports import services
from reports.documents import build_document
from reports.models import ReportKind, ReportRun, ReportStatus
from tests import builders
from tests.factories import CampaignFactory, PartnerFactory
from tests.payments.matching_helpers import pool
from tests.reports.conftest import pdf_text
from tests.reports.factories import paid_release
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched_campaign(settings, private_root, verifier, finance_officer, django_capture_on_commit_callbacks):
    """A live campaign: a ¥3,000 gift matched ¥1,000 by a 1:1 pool capped at ¥1,000, and a paid
    ¥2,500 release, so ¥1,500 is held: raised ¥3,000 + matched ¥1,000 = held ¥1,500 + paid ¥2,500."""
    settings.TOTALS_CACHE_SECONDS = 0
    cache.clear()
    campaign = CampaignFactory(title="Cataract surgery", slug="cataract-matched", status=CampaignStatus.LIVE)
    matching = pool([campaign], cap=100_000)
    with django_capture_on_commit_callbacks(execute=True):
        gift = builders.gift(campaign, 300_000, email="li.na@example.cn")
    person = BeneficiaryFactory(campaign=campaign, pseudonym="Grandma Pan", verified_by=verifier)
    paid_release(beneficiary=person, partner=PartnerFactory(name="Jianghua Hospital"), verifier=verifier,
                 finance_officer=finance_officer, minor=250_000)  # fmt: skip
    return campaign, gift, matching


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_disbursement_feed_shows_matched_funds_beside_raised_and_held(client, matched_campaign):
    campaign, _gift, _pool = matched_campaign
    # given the ledger's figures, which balance only with the matched funds counted in
    t = campaign_totals_uncached(campaign=campaign)
    assert (str(t.raised), str(t.matched), str(t.held), str(t.paid)) == (
        "¥3,000",
        "¥1,000",
        "¥1,500",
        "¥2,500",
    )
    assert t.raised + t.matched == t.held + t.approved_unpaid + t.paid + t.refunded
    # when the public feed is read in English
    html = client.get(f"/en/payments/campaigns/{campaign.slug}/disbursements/").content.decode()
    # then it shows matched funds with the glossary's label, between raised and held
    with translation.override("en"):
        assert f"<dt>{label('matched')}</dt>" in html
    values = re.findall(r'data-testid="feed-(\w+)">([^<]+)<', html)
    assert values[:4] == [("raised", "¥3,000"), ("matched", "¥1,000"), ("held", "¥1,500"),
                          ("approved_unpaid", "¥0")]  # fmt: skip
    assert ("paid", "¥2,500") in values


@pytest.mark.parametrize(("language", "matched_label"), [("en", "Matched funds"), ("zh-hans", None)])
def test_the_campaign_report_shows_matched_funds_in_its_figures_and_its_chart(
    matched_campaign, language, matched_label
):
    campaign, _gift, _pool = matched_campaign
    run = ReportRun(kind=ReportKind.CAMPAIGN_IMPACT, subject=f"campaign:{campaign.pk}", language=language)
    # when the report's HTML is built
    html = build_document(run).html
    # then the figures and the "where the money is" chart carry the matched figure, in the glossary's words
    with translation.override(language):
        matched_label = label("matched")
    assert (
        f'data-figure="matched"><span class="value">¥1,000</span><span class="label">{matched_label}<' in html
    )
    assert f'<th scope="row" class="chart-label">{matched_label}</th>' in html


def test_the_campaign_pdf_text_balances_raised_and_matched_against_where_the_money_is(
    matched_campaign, django_capture_on_commit_callbacks
):
    campaign, _gift, _pool = matched_campaign
    # when the English impact report is generated
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.request_campaign_report(campaign.pk, languages=["en"])
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    text = _flat(pdf_text(run.file.read()))
    # then the PDF says ¥1,000 matched, so raised + matched = held + paid is there to read
    assert "¥1,000 Matched funds" in text
    assert "¥3,000 Raised" in text and "¥1,500 Held in escrow" in text and "¥2,500 Paid to partners" in text
    # and the chart prints each label whole, its value apart
    assert "Matched funds ¥1,000" in text and "Approved, not yet paid ¥0" in text
    # and the cover names the zone in words, not its IANA key
    assert "China Standard Time (UTC+8)" in text and "Asia/Shanghai" not in text


def test_a_donor_statement_lists_each_gifts_match(matched_campaign, django_capture_on_commit_callbacks):
    _campaign, gift, matching = matched_campaign
    # when the donor's English statement is generated
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_donor_statement(donor_id=gift.donor_id, period="", language="en")
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    html = build_document(run).html
    text = _flat(pdf_text(run.file.read()))
    # then the gift's receipt number is listed with the matcher and ¥1,000 matched ...
    assert "Matched funds added to your gifts" in text
    row = re.search(r"(CF-\d{4}-\d+) (.+?) ¥1,000", text[text.index("Matched funds added") :])
    assert row is not None, text
    assert row[2] == matching.matcher.name_en
    assert '<td class="num" data-figure="matched">¥1,000</td>' in html
    # ... and the receipt's total is still what the donor gave: the match is not theirs
    assert re.search(r"Total received, net of refunds: ¥3,000\b", text)


def test_the_cover_of_a_chinese_report_names_the_zone_in_chinese_with_full_width_brackets(matched_campaign):
    campaign, _gift, _pool = matched_campaign
    run = ReportRun(kind=ReportKind.CAMPAIGN_IMPACT, subject=f"campaign:{campaign.pk}", language="zh-hans")
    html = build_document(run).html
    generated = re.search(r"<dd>(\d{4}-\d\d-\d\d \d\d:\d\d)([^<]*)</dd>", html)
    assert generated[2] == " 北京时间（UTC+8）"
    assert "Asia/Shanghai" not in html and "(UTC" not in html
