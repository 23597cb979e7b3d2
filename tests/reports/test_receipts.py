"""One receipt number per gift everywhere, a one-gift receipt PDF, credit notes for refunds, and
yearly statements on the donor's account page (issue 15, ADR 0412)."""

from datetime import UTC, datetime

import pytest
from django.core import mail as django_mail

from campaigns.site_time import site_date
from payments.donations.donor_links import donor_page_url, donor_token
from payments.donations.receipts import NoReceipt, receipt_number
from payments.donations.tasks import send_receipt
from payments.donor_accounts.services import SESSION_KEY
from payments.refunds.credit_notes import credit_note_number
from payments.refunds.models import Refund, RefundStatus
from reports.models import ReportRun
from tests.builders import gift, refund
from tests.factories import CampaignFactory
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory(
        status="live", min_donation_minor=1000, title="白内障复明", title_en="Cataract surgery"
    )


def _sign_in(client, donor):
    session = client.session
    session[SESSION_KEY] = {"d": donor.pk, "v": donor.link_version}
    session.save()


def _receipt_mail(donation):
    return next(m for m in django_mail.outbox if donation.receipt_number in m.body)


def test_a_gift_has_one_receipt_number_in_the_mail_the_pages_and_the_pdf(client, campaign, private_root):
    # given a captured gift (its receipt mailed on capture)
    donation = gift(campaign, 30_000, email="li.hua@example.com", language="en")
    number = donation.receipt_number

    # the number is the site-time year of the capture and the gift's id
    assert number == f"CF-{site_date(donation.captured_at).year}-{donation.pk:08d}"
    # then the mail, the private page, the account page, the text receipt and the PDF all show it
    send_receipt(donation.pk)
    assert f"Receipt number: {number}" in _receipt_mail(donation).body
    private = client.get(donor_page_url(donation.donor, absolute=False)).content.decode()
    assert f'data-testid="receipt-number">{number}<' in private
    _sign_in(client, donation.donor)
    account = client.get("/en/payments/account/").content.decode()
    assert f'data-testid="receipt-number">{number}<' in account
    text = client.get(f"/en/payments/account/gifts/{donation.public_id}/receipt/").content.decode()
    assert f"Receipt number: {number}" in text
    pdf = client.get(f"/en/reports/receipts/{donation.public_id}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    assert f'filename="{number}.pdf"' in pdf["Content-Disposition"]
    body = pdf_text(pdf.content)
    assert number in body and "¥300" in body and "Cataract surgery" in body and "li.hua@example.com" in body


def test_the_receipt_pdf_follows_the_readers_language(client, campaign):
    donation = gift(campaign, 30_000, email="wang@example.cn")
    token = donor_token(donation.donor)

    chinese = pdf_text(client.get(f"/reports/donor/{token}/receipts/{donation.public_id}/").content)
    english = pdf_text(client.get(f"/en/reports/donor/{token}/receipts/{donation.public_id}/").content)

    assert "捐赠收据" in chinese and "白内障复明" in chinese
    assert "Donation receipt" in english and "Cataract surgery" in english


def test_the_receipt_number_takes_the_site_years_capture_day():
    class Gift:
        pk = 42
        captured_at = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)  # 2026-01-01 01:00 in Beijing

    assert receipt_number(Gift()) == "CF-2026-00000042"


def test_a_refund_is_a_credit_note_naming_the_receipt_it_corrects(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    donation = gift(campaign, 30_000, email="li.hua@example.com", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        donation = refund(donation, 10_000)
    note = Refund.objects.get(donation=donation)
    number = note.credit_note_number

    assert (
        number == credit_note_number(note) and number.startswith("CN-") and number.endswith(f"{note.pk:08d}")
    )
    # the donor's notice names both numbers
    notices = [m.body for m in mailoutbox if "refunded" in m.body]
    assert any(number in body and donation.receipt_number in body for body in notices), notices
    # the private page lists it with its PDF
    token = donor_token(donation.donor)
    page = client.get(f"/en/payments/donor/{token}/").content.decode()
    assert f'data-testid="credit-note-number">{number}<' in page
    pdf = client.get(f"/en/reports/donor/{token}/receipts/{donation.public_id}/credit-notes/{note.pk}/")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Credit note" in text and number in text and donation.receipt_number in text
    assert "¥100" in text and "¥200" in text  # refunded by this note; what stayed with the charity
    # and the gift's receipt shows the correction too
    receipt = pdf_text(client.get(f"/en/reports/donor/{token}/receipts/{donation.public_id}/").content)
    assert number in receipt and "¥200" in receipt


def test_the_statement_lists_credit_notes_with_the_receipt_numbers(
    client, campaign, private_root, django_capture_on_commit_callbacks
):
    donation = refund(gift(campaign, 30_000, email="li.hua@example.com"), 5_000)
    note = Refund.objects.get(donation=donation)
    _sign_in(client, donation.donor)

    with django_capture_on_commit_callbacks(execute=True):
        client.get("/en/reports/my-statement/")
    text = pdf_text(b"".join(client.get("/en/reports/my-statement/").streaming_content))

    assert "Credit notes" in text
    assert note.credit_note_number in text and donation.receipt_number in text


# --- the failure side ---


def test_nobody_else_gets_a_receipt_or_a_credit_note(client, campaign):
    mine = refund(gift(campaign, 30_000, email="mine@example.com"), 1_000)
    other = gift(campaign, 20_000, email="other@example.com")
    note = Refund.objects.get(donation=mine)
    other_token = donor_token(other.donor)

    # another donor's link, a forged link, no session: 404, saying nothing
    assert client.get(f"/en/reports/donor/{other_token}/receipts/{mine.public_id}/").status_code == 404
    assert client.get(f"/en/reports/donor/forged/receipts/{mine.public_id}/").status_code == 404
    assert client.get(f"/en/reports/receipts/{mine.public_id}/").status_code == 404
    url = f"/en/reports/donor/{other_token}/receipts/{mine.public_id}/credit-notes/{note.pk}/"
    assert client.get(url).status_code == 404
    # the credit note of one gift is not reachable through another gift of the same donor
    mine_again = gift(campaign, 20_000, email="mine@example.com")
    token = donor_token(mine.donor)
    url = f"/en/reports/donor/{token}/receipts/{mine_again.public_id}/credit-notes/{note.pk}/"
    assert client.get(url).status_code == 404


def test_a_refund_that_did_not_succeed_has_no_credit_note(client, campaign):
    donation = gift(campaign, 30_000, email="li.hua@example.com")
    failed = Refund.objects.create(
        donation=donation,
        amount_minor=1_000,
        currency="CNY",
        reason="x",
        key="t:failed",
        status=RefundStatus.FAILED,
    )
    token = donor_token(donation.donor)

    assert failed.credit_note_number == ""
    with pytest.raises(NoReceipt):
        credit_note_number(failed)
    url = f"/en/reports/donor/{token}/receipts/{donation.public_id}/credit-notes/{failed.pk}/"
    assert client.get(url).status_code == 404
    page = client.get(f"/en/payments/donor/{token}/").content.decode()
    assert "credit-note-number" not in page


def test_a_gift_never_captured_has_no_receipt(client, campaign):
    from payments.donations.services import donation_create

    pending = donation_create(
        campaign=campaign, amount=campaign.min_donation, email="late@example.com", attempt="a" * 32
    )

    assert pending.receipt_number == ""
    with pytest.raises(NoReceipt):
        receipt_number(pending)
    token = donor_token(pending.donor)
    assert client.get(f"/en/reports/donor/{token}/receipts/{pending.public_id}/").status_code == 404


# --- yearly statements ---


def test_closed_years_have_a_statement_on_the_account_page(
    client, campaign, django_capture_on_commit_callbacks
):
    from payments.donations.models import Donation

    old = gift(campaign, 30_000, email="li.hua@example.com")
    Donation.objects.filter(pk=old.pk).update(captured_at=datetime(2024, 6, 1, 4, 0, tzinfo=UTC))
    gift(campaign, 20_000, email="li.hua@example.com")  # this year's: in the statement to date
    _sign_in(client, old.donor)

    page = client.get("/en/payments/account/").content.decode()
    assert 'data-testid="yearly-statements"' in page
    assert "my-statement/?year=2024" in page
    assert f"?year={datetime.now().year}" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/en/reports/my-statement/?year=2024")
    assert response.status_code == 202
    assert ReportRun.objects.get().period == "2024"


@pytest.mark.parametrize("year", ["abc", "2019", str(datetime.now().year), "20245"])
def test_a_statement_for_a_year_without_one_is_a_clear_400(client, campaign, year):
    donation = gift(campaign, 30_000, email="li.hua@example.com")
    _sign_in(client, donation.donor)

    response = client.get(f"/en/reports/my-statement/?year={year}")

    assert response.status_code == 400
    assert "once the year has closed" in response.content.decode()
    assert not ReportRun.objects.exists()
