import io
import re
from datetime import timedelta

import pypdf
import pytest
from django.template import Context, Template
from django.utils import timezone

from campaigns.models import Beneficiary, CampaignStatus
from campaigns.services import campaign_finish
from reports import services
from reports.models import ReportKind, ReportRun, ReportStatus
from reports.rendering import health
from reports.rendering.pdf import LocalOnlyFetcher, html_to_pdf
from tests.factories import CampaignFactory
from tests.reports.conftest import pdf_text
from tests.reports.factories import gift
from tests.verification.factories import verifier_user


def test_the_fetcher_refuses_network_and_files_outside_the_allowed_roots(tmp_path, settings):
    # given a photo inside the private root and HTML that also points at the network and /etc
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    photo = tmp_path / "photo.svg"
    photo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    fetcher = LocalOnlyFetcher()
    html = (
        f'<p>ok</p><img src="{photo.as_uri()}"><img src="http://203.0.113.9/track.png">'
        '<img src="https://example.com/x.png"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://203.0.113.9/style.css">'
    )
    # when it renders
    pdf = html_to_pdf(html, fetcher=fetcher)
    # then the PDF exists, the local photo was used, and every other URL was refused
    assert pdf[:5] == b"%PDF-"
    assert sorted(fetcher.refused) == [
        "file:///etc/passwd",
        "http://203.0.113.9/style.css",
        "http://203.0.113.9/track.png",
        "https://example.com/x.png",
    ]


def test_health_reports_this_machine_ready():
    checks = {c.name: c for c in health.rendering_health()}
    assert set(checks) == {"pango", "cjk_font", "harfbuzz_subset"}
    assert all(c.ok for c in checks.values()), checks
    assert "Noto Sans CJK SC" in checks["cjk_font"].detail


def test_health_says_when_harfbuzz_subset_is_missing(monkeypatch):
    import weasyprint.text.ffi

    monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None)
    check = {c.name: c for c in health.rendering_health()}["harfbuzz_subset"]
    assert check.ok is False
    assert "Install libharfbuzz-subset0" in check.detail


def test_health_says_when_no_chinese_font_is_installed(monkeypatch):
    class NoFonts:
        stdout = ""

    monkeypatch.setattr(health.subprocess, "run", lambda *a, **k: NoFonts())
    check = {c.name: c for c in health.rendering_health()}["cjk_font"]
    assert (check.ok, check.detail) == (
        False,
        "No font covers Simplified Chinese: install fonts-noto-cjk (Debian).",
    )


def test_report_health_command_fails_when_unhealthy(monkeypatch):
    import weasyprint.text.ffi
    from django.core.management import CommandError, call_command

    monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None)
    with pytest.raises(CommandError):
        call_command("report_health")


@pytest.mark.django_db
def test_chinese_fonts_are_embedded_and_tables_repeat_their_header(
    private_root, django_capture_on_commit_callbacks
):
    # given a campaign with 150 verified beneficiaries, so their table spans pages
    campaign = CampaignFactory(title="助学金 大方县", status=CampaignStatus.LIVE)
    gift(campaign, 50_000)
    verifier = verifier_user()
    Beneficiary.objects.bulk_create(
        Beneficiary(
            campaign=campaign, pseudonym=f"小明{i}", county="大方县", status="verified",
            verified_by=verifier, verified_at=timezone.now(),
        )
        for i in range(150)
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.request_campaign_report(campaign.pk, languages=["en"])
    run.refresh_from_db()
    reader = pypdf.PdfReader(io.BytesIO(run.file.read()))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts.add((str(font["/BaseFont"]).split("+")[-1], embedded))
    # the Chinese names are set in the pre-subset CJK font (ADR 0410), or the system one without it
    assert {("Clearfund-CJK-SC", True), ("Noto-Sans-CJK-SC", True)} & fonts, fonts
    assert all(embedded for _name, embedded in fonts), fonts
    pages_with_header = [
        p
        for p in reader.pages[1:]
        if "Beneficiary Age County Verified outcomes Verified on" in re.sub(r"\s+", " ", p.extract_text())
    ]
    assert len(pages_with_header) >= 2  # the <thead> is repeated on every page the table spans
    assert (reader.pages[0].mediabox.width, reader.pages[0].mediabox.height) == (
        pytest.approx(595.28, abs=0.5),
        pytest.approx(841.89, abs=0.5),
    )  # A4


@pytest.mark.django_db
def test_transparency_report_totals_published_campaigns(private_root, django_capture_on_commit_callbacks):
    a = CampaignFactory(title="白内障 A", status=CampaignStatus.LIVE)
    b = CampaignFactory(title="白内障 B", status=CampaignStatus.LIVE)
    CampaignFactory(title="草稿 C", status=CampaignStatus.DRAFT)
    gift(a, 100_000)
    gift(b, 250_050)
    campaign_finish(campaign=b, actor=None, succeeded=True)  # funded: still published
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_transparency_report(language="en")
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    text = pdf_text(run.file.read())
    assert "¥3,500.50" in text  # a + b
    assert "白内障 A" in text and "白内障 B" in text
    assert "草稿 C" not in text


@pytest.mark.django_db
def test_latest_report_include_links_the_newest_finished_report(
    client, private_root, django_capture_on_commit_callbacks
):
    from django.utils import translation

    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    template = Template('{% include "reports/latest_report.html" %}')
    with translation.override("en"):
        assert "Impact report" not in template.render(Context({"campaign": campaign}))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_campaign_report(campaign.pk)
    en = ReportRun.objects.get(campaign=campaign, language="en")
    zh = ReportRun.objects.get(campaign=campaign, language="zh-hans")

    # English pages link the English report under the English URL prefix ...
    with translation.override("en"):
        html = template.render(Context({"campaign": campaign}))
    assert f'href="/en/reports/{en.pk}.pdf"' in html
    assert f"generated {timezone.localtime(en.generated_at):%Y-%m-%d}" in html  # site-time date
    # ... and default-language (Chinese) pages the Chinese report, unprefixed
    with translation.override("zh-hans"):
        html = template.render(Context({"campaign": campaign}))
    assert f'href="/reports/{zh.pk}.pdf"' in html
    assert f"生成于 {timezone.localtime(zh.generated_at):%Y-%m-%d}" in html
    response = client.get(f"/en/reports/{en.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


@pytest.mark.django_db
def test_unfinished_reports_are_not_served(client):
    run = ReportRun.objects.create(
        kind=ReportKind.CAMPAIGN_IMPACT, subject="campaign:1", language="en", data_version="v"
    )
    assert client.get(f"/reports/{run.pk}.pdf").status_code == 404


@pytest.mark.django_db
def test_transparency_report_shows_the_needs_funnel_and_match_rates(
    verifier, private_root, django_capture_on_commit_callbacks
):
    from campaigns.models import Need
    from tests.verification.factories import BeneficiaryFactory

    # given needs at each stage in two provinces
    household = BeneficiaryFactory()
    stages = [("湖南省", "posted"), ("湖南省", "matched"), ("贵州省", "verified"), ("贵州省", "posted")]
    now = timezone.now()
    for province, status in stages:
        # a matched need is held by its donor while they pay; a verified one was funded and verified
        Need.objects.create(
            beneficiary=household, title="轮椅", kind="mobility", amount_minor=80_000,
            province=province, county="江华瑶族自治县", status=status, posted_by=verifier,
            held_until=now + timedelta(minutes=30) if status == "matched" else None,
            funded_at=now if status == "verified" else None,
            verified_by=verifier if status == "verified" else None,
        )  # fmt: skip
    # when the transparency report is generated
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_transparency_report(language="en")
    run.refresh_from_db()
    text = re.sub(r"\s+", " ", pdf_text(run.file.read()))
    # then the funnel counts every need that reached a stage (a claim held unpaid is no match:
    # issue 12), and match rates are per group, the provinces named in the report's language
    # (ADR 0403)
    assert "Posted 4 Matched with a donor 1 Funded 1 Delivered 1 Delivery verified 1" in text
    assert "Hunan 2 0 0%" in text
    assert "Guizhou 2 1 50%" in text
    assert "Mobility aid (wheelchair, crutches) 4 1 25%" in text
    assert household.registry_person.id_number not in text
