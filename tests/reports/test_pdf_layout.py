"""Fonts per language, cells that wrap inside the page, and the yearly appendix of long reports."""

import io
import re
from datetime import date, timedelta

import pypdf
import pytest
import weasyprint
from django.utils import timezone
from weasyprint.formatting_structure import boxes

from campaigns.models import Beneficiary, CampaignStatus, Evidence
from campaigns.money import Money
from reports import services
from reports.appendix import split_long_tables
from reports.documents import build_document
from reports.models import ReportKind, ReportRun, ReportStatus
from reports.rendering.fonts import font_kit
from reports.selectors.outcomes import BeneficiaryOutcome, Disbursement, MilestoneEvent
from tests.factories import CampaignFactory, PartnerFactory
from tests.reports.conftest import drawn_glyphs, pdf_text
from tests.reports.factories import captured_donation, paid_release
from tests.verification.factories import BeneficiaryFactory, verifier_user

pytestmark = pytest.mark.django_db

ENGLISH_ORGANISATION = {
    "name": "Clearfund",
    "legal_name": "Clearfund Charitable Foundation",
    "registration": "53100000MJ0000000X",
    "address": "Changsha, Hunan, China",
    "email": "reports@clearfund.example",
    "website": "https://clearfund.example",
}


def embedded_fonts(data: bytes) -> set[str]:
    """The PDF's font names without their subset prefix, e.g. ``DejaVu-Sans``."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def _statement(donor_id: int, django_capture_on_commit_callbacks) -> ReportRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_donor_statement(donor_id=donor_id, period="", language="en")
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    return run


def test_an_english_statement_with_nothing_chinese_embeds_no_cjk_font(
    settings, private_root, django_capture_on_commit_callbacks
):
    # given an English donor whose only gift went to a campaign with an English title
    settings.REPORTS_ORGANISATION = ENGLISH_ORGANISATION
    campaign = CampaignFactory(title="Cataract surgery Yongzhou", status=CampaignStatus.LIVE)
    gift = captured_donation(campaign, email="jane@example.com", minor=10_000)
    # when their statement is rendered in English
    run = _statement(gift.donor_id, django_capture_on_commit_callbacks)
    # then the text is set in DejaVu only (receipt numbers too: no monospace face): no CJK font
    data = run.file.read()
    assert embedded_fonts(data) == {"DejaVu-Sans", "DejaVu-Sans-Bold"}
    assert "Cataract surgery Yongzhou" in re.sub(r"\s+", " ", pdf_text(data))


def test_an_english_statement_naming_a_chinese_campaign_draws_the_title_from_the_cjk_subset(
    cjk_subset, settings, private_root, django_capture_on_commit_callbacks
):
    # given the same donor, but the campaign's title is Chinese, and the pre-subset CJK face
    settings.REPORTS_ORGANISATION = ENGLISH_ORGANISATION
    cjk_subset("白内障复明手术永州")
    campaign = CampaignFactory(title="白内障复明手术 永州", status=CampaignStatus.LIVE)
    gift = captured_donation(campaign, email="jane@example.com", minor=10_000)
    # when the English statement is rendered
    run = _statement(gift.donor_id, django_capture_on_commit_callbacks)
    # then Latin text stays in DejaVu and the Chinese title is set in the regular CJK subset ...
    data = run.file.read()
    assert embedded_fonts(data) == {"DejaVu-Sans", "DejaVu-Sans-Bold", "Clearfund-CJK-SC"}
    assert "白内障复明手术 永州" in pdf_text(data)
    # ... with a real glyph for every character: no tofu, nothing missing
    glyphs = drawn_glyphs(data)
    assert {char: glyphs.get(char) for char in "白内障复明手术永州"} == {
        char: {("Clearfund-CJK-SC", True)} for char in "白内障复明手术永州"
    }
    assert all(drawn for char in "Cataract¥0123456789" for _font, drawn in glyphs[char])


def test_an_english_statement_of_a_charity_with_a_bilingual_name_embeds_the_cjk_face_once(
    cjk_subset, settings, private_root, django_capture_on_commit_callbacks
):
    # given the charity's legal name in English and Chinese (the default), and a Chinese title
    settings.REPORTS_ORGANISATION = {
        **ENGLISH_ORGANISATION,
        "legal_name": "Clearfund Foundation 清源公益基金会",
    }
    cjk_subset("清源公益基金会白内障复明手术")
    campaign = CampaignFactory(title="白内障复明手术", status=CampaignStatus.LIVE)
    gift = captured_donation(campaign, email="jane@example.com", minor=10_000)
    # when the English statement is rendered
    run = _statement(gift.donor_id, django_capture_on_commit_callbacks)
    # then the Chinese of both is drawn from one regular CJK face: the legal name is set in colour,
    # not bold, so the face is not embedded a second time under a bold name (ADR 0419)
    data = run.file.read()
    assert embedded_fonts(data) == {"DejaVu-Sans", "DejaVu-Sans-Bold", "Clearfund-CJK-SC"}
    glyphs = drawn_glyphs(data)
    assert {glyphs[char] == {("Clearfund-CJK-SC", True)} for char in "清源公益基金会白内障复明手术"} == {True}
    assert "Clearfund Foundation 清源公益基金会" in pdf_text(data)


def test_a_chinese_statement_embeds_the_regular_and_bold_cjk_faces_and_nothing_else(
    cjk_subset, private_root, django_capture_on_commit_callbacks
):
    # given a donor's gift to a Chinese campaign, and the pre-subset CJK face holding every
    # character of their Chinese statement
    campaign = CampaignFactory(title="白内障复明手术 永州", status=CampaignStatus.LIVE)
    gift = captured_donation(campaign, email="li.hua@example.com", minor=10_000)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_donor_statement(donor_id=gift.donor_id, period="", language="zh-hans")
    html = build_document(run).html
    cjk_subset(set(re.sub(r"<[^>]*>", "", html)))
    ReportRun.objects.filter(pk=run.pk).update(status=ReportStatus.FAILED)
    # when it is rendered (again, now with the subset)
    run = services.request_donor_statement(donor_id=gift.donor_id, period="", language="zh-hans")
    services.run_generate(run_id=run.pk)
    run.refresh_from_db()
    # then text, numbers and the checksum come from the regular CJK face and the title, headings
    # and labels from its bold face: no monospace face, no Latin font (ADR 0419, amended)
    data = run.file.read()
    assert embedded_fonts(data) == {"Clearfund-CJK-SC", "Clearfund-CJK-SC-Bold"}
    glyphs = drawn_glyphs(data)
    assert all(drawn for char in "捐赠人对账单白内障复明手术永州¥100" for _font, drawn in glyphs[char])
    assert ("Clearfund-CJK-SC-Bold", True) in glyphs["账"]  # the title, 捐赠人对账单


def _boxes_in_tables(box, inside_table=False):
    inside_table = inside_table or isinstance(box, boxes.TableBox)
    if inside_table:
        yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes_in_tables(child, inside_table)


def test_every_cell_of_a_report_wraps_inside_the_page(
    verifier, finance_officer, private_root, django_capture_on_commit_callbacks
):
    # given a paid release to a partner whose name is 150 letters with no space, with evidence
    # whose public summary is a long URL
    campaign = CampaignFactory(title="Cataract surgery", status=CampaignStatus.LIVE)
    captured_donation(campaign, email="a@example.com", minor=1_000_000)
    long_name = ("Yongzhou" + "Ophthalmology" * 12)[:142] + "Hospital"
    assert len(long_name) == 150 and " " not in long_name
    url = "https://evidence.example.org/" + "discharge-note-" * 10 + "2026.pdf"
    partner = PartnerFactory(name=long_name)
    person = BeneficiaryFactory(campaign=campaign, pseudonym="Grandma Pan")
    release = paid_release(
        beneficiary=person, partner=partner, verifier=verifier, finance_officer=finance_officer
    )
    Evidence.objects.create(
        milestone=release.milestone, summary=url, dated=date(2026, 3, 1), uploaded_by=verifier
    )
    run = ReportRun.objects.create(
        kind=ReportKind.CAMPAIGN_IMPACT, subject=f"campaign:{campaign.pk}", language="en", data_version="t"
    )
    html = build_document(run).html
    assert long_name in html and url in html
    # when WeasyPrint lays the report out
    kit = font_kit()
    document = weasyprint.HTML(string=html).render(
        stylesheets=[*kit.stylesheets, kit.report_sheet], font_config=kit.config
    )
    # then every box of every table, down to each line of text, lies inside the page's content area
    checked = 0
    for page in document.pages:
        page_box = page._page_box
        left = page_box.margin_left
        right = page_box.margin_width() - page_box.margin_right
        for box in _boxes_in_tables(page_box):
            assert left - 0.5 <= box.position_x, (type(box).__name__, box.position_x)
            assert box.position_x + box.margin_width() <= right + 0.5, (
                type(box).__name__,
                getattr(box, "text", ""),
                box.position_x + box.margin_width(),
                right,
            )
            checked += 1
    assert checked > 100  # the walk really reached the cells and their text


def _rows(n: int, start: date) -> tuple[list, list, list]:
    days = [start + timedelta(days=30 * i) for i in range(2)]
    days += [date(start.year + 1, month, 1) for month in range(1, n - 1)]
    money = Money.from_minor(300_000, "CNY")
    disbursements = [
        Disbursement(d, money, "Hospital", f"B{i}", "Surgery", "paid", f"R-{i}") for i, d in enumerate(days)
    ]
    milestones = [MilestoneEvent(d, f"B{i}", "Surgery", "verified") for i, d in enumerate(days)]
    people = [BeneficiaryOutcome(f"B{i}", "65+", "Jianghua", "Surgery", d) for i, d in enumerate(days)]
    return disbursements, milestones, people


def test_tables_longer_than_the_limit_move_to_yearly_parts_of_at_most_the_limit():
    # given 12 rows per table from 2025-11-01 (2 in 2025, then monthly in 2026), and 3 milestones
    disbursements, milestones, people = _rows(12, date(2025, 11, 1))
    # when tables longer than 4 rows are split
    split = split_long_tables(
        disbursements=disbursements, milestones=milestones[:3], beneficiaries=people, max_rows=4
    )
    # then the short milestone table stays in the report, the long ones are counted per year ...
    assert set(split.counts) == {"disbursements", "beneficiaries"}
    assert [(c.year, c.rows, str(c.amount)) for c in split.counts["disbursements"]] == [
        ("2025", 2, "¥6,000"),
        ("2026", 10, "¥30,000"),
    ]
    assert [(c.year, c.rows, c.amount) for c in split.counts["beneficiaries"]] == [
        ("2025", 2, None),
        ("2026", 10, None),
    ]
    # ... and printed year by year in parts of at most 4 rows, in report order within a year
    assert [(p.year, p.section, len(p.rows), p.part, p.parts) for p in split.parts] == [
        ("2025", "disbursements", 2, 1, 1),
        ("2025", "beneficiaries", 2, 1, 1),
        ("2026", "disbursements", 4, 1, 3),
        ("2026", "disbursements", 4, 2, 3),
        ("2026", "disbursements", 2, 3, 3),
        ("2026", "beneficiaries", 4, 1, 3),
        ("2026", "beneficiaries", 4, 2, 3),
        ("2026", "beneficiaries", 2, 3, 3),
    ]
    assert [r.reference for r in split.parts[2].rows] == ["R-2", "R-3", "R-4", "R-5"]


def test_a_limit_below_one_row_is_refused():
    with pytest.raises(ValueError, match="max_rows must be at least 1"):
        split_long_tables(disbursements=[], milestones=[], beneficiaries=[], max_rows=0)


def test_a_campaign_report_with_many_beneficiaries_prints_them_in_a_yearly_appendix(
    settings, private_root, django_capture_on_commit_callbacks
):
    # given 5 verified beneficiaries, 2 verified in 2025 and 3 in 2026, and a limit of 2 rows
    settings.REPORTS_APPENDIX_ROWS = 2
    campaign = CampaignFactory(title="Cataract surgery", status=CampaignStatus.LIVE)
    verifier = verifier_user()
    zone = timezone.get_current_timezone()
    when = [
        timezone.datetime(y, 6, d, 12, tzinfo=zone)
        for y, d in ((2025, 1), (2025, 2), (2026, 1), (2026, 2), (2026, 3))
    ]
    Beneficiary.objects.bulk_create(
        Beneficiary(campaign=campaign, pseudonym=f"Person{i}", county="Jianghua", status="verified",
                    verified_by=verifier, verified_at=at)
        for i, at in enumerate(when)
    )  # fmt: skip
    # when its report is generated
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.request_campaign_report(campaign.pk, languages=["en"])
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    reader = pypdf.PdfReader(io.BytesIO(run.file.read()))
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    # then the report counts them per year and the appendix lists them, one document per part
    first = next(i for i, p in enumerate(pages) if "Appendix 2025" in p)
    body, appendix = " ".join(pages[:first]), pages[first:]
    assert "Year Rows 2025 2 2026 3" in body
    assert "Person0" not in body
    headings = [
        re.search(r"Appendix [^:]+: Beneficiaries and outcomes( \(part \d of \d\))?", p)[0] for p in appendix
    ]
    assert headings == [
        "Appendix 2025: Beneficiaries and outcomes",
        "Appendix 2026: Beneficiaries and outcomes (part 1 of 2)",
        "Appendix 2026: Beneficiaries and outcomes (part 2 of 2)",
    ]
    assert [sorted(re.findall(r"Person\d", p)) for p in appendix] == [
        ["Person0", "Person1"],
        ["Person2", "Person3"],
        ["Person4"],
    ]


def _laid_out(html: str):
    kit = font_kit()
    return weasyprint.HTML(string=html).render(
        stylesheets=[*kit.stylesheets, kit.report_sheet], font_config=kit.config
    )


def _cells(document):
    """Every laid-out table cell with its page, its lines' text and its text boxes."""
    for page in document.pages:
        for cell in page._page_box.descendants():
            if not isinstance(cell, boxes.TableCellBox):
                continue
            lines = [
                "".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox))
                for line in cell.descendants()
                if isinstance(line, boxes.LineBox)
            ]
            texts = [t for t in cell.descendants() if isinstance(t, boxes.TextBox)]
            yield page._page_box, cell, [line for line in lines if line.strip()], texts


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_statement_and_report_keep_dates_headers_and_chart_labels_whole_and_wrap_long_strings(
    language, cjk_subset, verifier, finance_officer, private_root, django_capture_on_commit_callbacks
):
    # given a gift to a campaign whose title is 150 letters with no space, matched 1:1, part of it
    # paid to a partner whose name is as long, dated 2026-12-01 (issue 14: "2026-12-0 / 1")
    from tests.payments.matching_helpers import pool

    long_title = ("Cataract" + "Surgery" * 21)[:150]
    long_partner = ("Yongzhou" + "Ophthalmology" * 12)[:142] + "Hospital"
    campaign = CampaignFactory(title=long_title, status=CampaignStatus.LIVE)
    pool([campaign], cap=100_000)
    with django_capture_on_commit_callbacks(execute=True):
        gift = captured_donation(campaign, email="a@example.com", minor=300_000)
    person = BeneficiaryFactory(campaign=campaign, pseudonym="Grandma Pan")
    paid_release(beneficiary=person, partner=PartnerFactory(name=long_partner), verifier=verifier,
                 finance_officer=finance_officer, minor=250_000)  # fmt: skip
    statement = ReportRun(
        kind=ReportKind.DONOR_STATEMENT, subject=f"donor:{gift.donor_id}", language=language
    )
    report = ReportRun(kind=ReportKind.CAMPAIGN_IMPACT, subject=f"campaign:{campaign.pk}", language=language)
    htmls = [build_document(statement).html, build_document(report).html]
    if language == "zh-hans":
        cjk_subset(set(re.sub(r"<[^>]*>", "", "".join(htmls))))
    assert long_title in htmls[0] and long_partner in htmls[0] and "bar-chart" in htmls[1]

    # when WeasyPrint lays both out
    checked = {"date": 0, "th": 0, "chart-label": 0, "text": 0}
    broken = []
    for html in htmls:
        for page_box, cell, lines, texts in _cells(_laid_out(html)):
            classes = (cell.element.get("class") or "").split()
            whole = re.sub(r"\s+", " ", "".join(cell.element.itertext())).strip()
            # then every line of text lies inside its own cell (so a chart's label never runs into
            # its value) and inside the page: long strings wrap, nothing is pushed out
            left = page_box.margin_left
            right = page_box.margin_width() - page_box.margin_right
            for t in texts:
                end = t.position_x + t.width
                assert cell.position_x - 0.5 <= t.position_x and end <= cell.position_x + cell.border_width() + 0.5, (
                    t.text, whole)  # fmt: skip
                assert left - 0.5 <= t.position_x and end <= right + 0.5, (t.text, whole)
                checked["text"] += 1
            # a date is on one line
            if cell.element_tag == "td" and "date" in classes and whole != "—":
                assert lines == [whole], lines
                checked["date"] += 1
            # a header or a chart's label breaks, if at all, between words only: never "Beneficia/ry"
            if cell.element_tag == "th":
                if " ".join(line.strip() for line in lines) != whole:
                    broken.append((htmls.index(html), lines, round(cell.width)))
                checked["chart-label" if "chart-label" in classes else "th"] += 1
    assert broken == []
    assert checked["date"] >= 2 and checked["th"] >= 20 and checked["chart-label"] == 6, checked
    assert checked["text"] > 100
