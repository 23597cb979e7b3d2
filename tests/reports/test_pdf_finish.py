"""What a reader sees on a report's pages (issue 13): Chinese headings in bold, receipt numbers at
the size of their row, a statement addressed and numbered once, month labels with their year."""

import re

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes

from campaigns.models import CampaignStatus
from payments.donations.receipts import receipt_number
from reports import services
from reports.documents import build_document
from reports.models import ReportKind, ReportRun, ReportStatus
from reports.receipts import gift_receipt_html
from reports.rendering.fonts import font_kit
from reports.selectors.donor_statement import statement_number
from tests.builders import gift
from tests.factories import CampaignFactory
from tests.reports.conftest import drawn_glyphs, pdf_text
from tests.reports.test_pdf_layout import embedded_fonts

pytestmark = pytest.mark.django_db


def _layout(html: str) -> weasyprint.Document:
    kit = font_kit()
    return weasyprint.HTML(string=html).render(
        stylesheets=[*kit.stylesheets, kit.report_sheet], font_config=kit.config
    )


def _text_boxes(document: weasyprint.Document) -> list[boxes.TextBox]:
    def walk(box):
        if isinstance(box, boxes.TextBox):
            yield box
        for child in getattr(box, "children", None) or []:
            yield from walk(child)

    return [text for page in document.pages for text in walk(page._page_box)]


def _box(document: weasyprint.Document, text: str) -> boxes.TextBox:
    return next(box for box in _text_boxes(document) if box.text.strip() == text)


def _baseline(box: boxes.TextBox) -> float:
    return box.position_y + box.baseline


def test_a_chinese_impact_report_sets_its_title_and_headings_in_the_bold_cjk_face(
    cjk_subset, private_root, django_capture_on_commit_callbacks
):
    # given a campaign with a gift, and the pre-subset CJK faces holding every character of its
    # Chinese impact report
    campaign = CampaignFactory(title="白内障复明手术 永州", status=CampaignStatus.LIVE)
    gift(campaign, 10_000, email="li.hua@example.com")
    run = ReportRun.objects.create(
        kind=ReportKind.CAMPAIGN_IMPACT,
        subject=f"campaign:{campaign.pk}",
        language="zh-hans",
        data_version="t",
    )
    cjk_subset(set(re.sub(r"<[^>]*>", "", build_document(run).html)))
    # when the report is rendered
    services.run_generate(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    # then the PDF embeds the bold CJK face beside the regular one, and the heading "每月捐赠"
    # (gifts per month) is drawn from the bold face with real glyphs
    data = run.file.read()
    assert {"Clearfund-CJK-SC", "Clearfund-CJK-SC-Bold"} <= embedded_fonts(data)
    assert "每月捐赠" in pdf_text(data).replace("\n", "")
    glyphs = drawn_glyphs(data)
    assert {char: ("Clearfund-CJK-SC-Bold", True) in glyphs[char] for char in "每月捐赠"} == dict.fromkeys(
        "每月捐赠", True
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_receipt_number_has_the_size_and_baseline_of_its_row(language):
    # given a captured gift's receipt
    campaign = CampaignFactory(title="Cataract surgery", status=CampaignStatus.LIVE)
    donation = gift(campaign, 10_000, email="jane.en@example.org", display_name="Jane Doe")
    document = _layout(gift_receipt_html(donation=donation, language=language))
    # when its facts table is laid out
    number = _box(document, receipt_number(donation))
    label = _box(document, "Receipt number" if language == "en" else "收据编号")
    donor = _box(document, "Jane Doe")
    # then the receipt number is set like the other values, on its label's baseline
    assert number.style["font_size"] == donor.style["font_size"] == label.style["font_size"]
    assert _baseline(number) == pytest.approx(_baseline(label), abs=0.5)


def _english_statement(django_capture_on_commit_callbacks, period: str = "") -> tuple[ReportRun, str]:
    campaign = CampaignFactory(title="Cataract surgery Yongzhou", status=CampaignStatus.LIVE)
    donation = gift(campaign, 10_000, email="jane.en@example.org", display_name="Jane Doe")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_donor_statement(donor_id=donation.donor_id, period=period, language="en")
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    return run, receipt_number(donation)


def test_an_english_statement_is_addressed_by_name_and_carries_one_readable_number(
    private_root, django_capture_on_commit_callbacks
):
    # given a donor who gave as "Jane Doe"
    # when their all-years statement is rendered
    run, _number = _english_statement(django_capture_on_commit_callbacks)
    text = re.sub(r"\s+", " ", pdf_text(run.file.read()))
    donor_id = int(run.subject.split(":")[1])
    # then it names them, not their email, and its one number (cover and receipt) has no raw word
    assert "Donor: Jane Doe" in text
    assert "jane.en@example.org" not in text
    number = f"CFS-{donor_id:08d}"
    assert text.count(number) == 2
    assert "Report number" not in text and "all" not in number
    assert text.count("Statement number") == 2


def test_a_statement_number_names_a_year_a_campaign_or_all_years():
    assert statement_number(donor_id=13, period="2026") == "CFS-2026-00000013"
    assert statement_number(donor_id=13, period="campaign-5") == "CFS-C5-00000013"
    assert statement_number(donor_id=13, period="") == "CFS-00000013"


def test_an_english_statement_keeps_one_table_style_and_labels_with_their_values(
    private_root, django_capture_on_commit_callbacks
):
    # given a donor's English statement
    run, number = _english_statement(django_capture_on_commit_callbacks)
    document = _layout(build_document(run).html)
    boxes_ = _text_boxes(document)
    # when it is laid out, then the receipt number is whole, at the size and on the baseline of its row
    in_gifts, in_trace = [box for box in boxes_ if box.text == number][:2]
    day = next(box for box in boxes_ if re.fullmatch(r"\d{4}-\d{2}-\d{2}", box.text))
    assert in_gifts.style["font_size"] == day.style["font_size"]
    assert _baseline(in_gifts) == pytest.approx(_baseline(day), abs=0.5)
    # "Your gifts" and "Where each cent went" share one table style
    assert in_trace.style["font_size"] == in_gifts.style["font_size"]
    # and "Registration:" stays on the line of its value
    registration = next(box for box in boxes_ if box.text.startswith("Registration"))
    assert re.fullmatch(r"Registration: \S+.*", registration.text)


def test_the_gifts_per_month_chart_labels_months_with_their_year_as_the_table_does(private_root):
    # given a campaign with a gift this month
    campaign = CampaignFactory(title="Cataract surgery", status=CampaignStatus.LIVE)
    gift(campaign, 10_000, email="a@example.com")
    for language in ("en", "zh-hans"):
        run = ReportRun.objects.create(
            kind=ReportKind.CAMPAIGN_IMPACT,
            subject=f"campaign:{campaign.pk}",
            language=language,
            data_version="t",
        )
        # when its impact report is built
        html = build_document(run).html
        # then the chart's axis shows the month as the table below it does: "2026-12", not "26-12"
        axis = re.findall(r'class="chart-axis">([^<]*)<', html)
        table_months = re.findall(r"<tr><td>(\d{4}-\d{2})</td>", html)
        assert axis and axis == table_months[-12:]
