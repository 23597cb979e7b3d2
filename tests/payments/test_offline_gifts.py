"""Offline gifts (ADR 0230): four eyes, once only, and once confirmed a gift like any other in the
ledger, the figures, the wall, the trace and the receipt numbers; rejected ones never in the ledger."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from campaigns.site_time import site_today
from campaigns.state_tables import TransitionNotAllowed
from payments.donations.models import DonationStatus
from payments.donations.selectors import wall_of_support
from payments.figures.balance_check import balances_check
from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.ledger.services import balance_of, escrow_account
from payments.models import LedgerEntry
from payments.offline.models import OfflineChannel, OfflineGift, OfflineGiftStatus
from payments.offline.services import (
    OfflineGiftRefused,
    offline_gift_confirm,
    offline_gift_key,
    offline_gift_record,
    offline_gift_reject,
)
from payments.outbox.models import SentMessage
from payments.trace.selectors import gift_trace
from tests.payments.conftest import cny
from tests.payments.matching_helpers import officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _english():
    """Services' messages read in English here; the admin screens answer in the site's Chinese."""
    with translation.override("en"):
        yield


def record(
    campaign, *, amount="3000", reference="JH-0001", place="江华县大石桥村服务站", by="finance-a", **extra
):
    fields = {"channel": OfflineChannel.CASH, "received_on": site_today(), "donor_name": "赵大爷", **extra}
    return offline_gift_record(campaign=campaign, amount=cny(amount), place=place, reference=reference,
                               actor=officer(by), **fields)  # fmt: skip


def test_a_confirmed_cash_gift_is_a_captured_gift_in_the_ledger_figures_wall_and_trace(
    campaign, django_capture_on_commit_callbacks, mailoutbox
):
    # given a cash gift of ¥3,000 recorded at a village station, with its scan
    scan = SimpleUploadedFile("receipt.jpg", b"\xff\xd8scan", content_type="image/jpeg")
    gift = record(campaign, scan=scan)
    assert LedgerEntry.objects.count() == 0

    # when a second finance officer confirms it (twice: a double click)
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    offline_gift_confirm(gift=gift, actor=officer("finance-b"))

    # then it is one captured gift, posted once to escrow through the card gifts' capture path
    gift.refresh_from_db()
    donation = gift.donation
    assert gift.status == OfflineGiftStatus.CONFIRMED
    assert donation.status == DonationStatus.SUCCEEDED and donation.amount == cny(3000)
    entry = LedgerEntry.objects.get()
    assert (entry.key, entry.kind) == (f"donation:{donation.pk}:captured", "donation.captured_offline")
    assert balance_of(escrow_account(campaign)) == cny(3000)
    # and the figures count it and its donor, equal to the ledger, with no drift
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.held, totals.donors) == (cny(3000), cny(3000), 1)
    assert totals == campaign_totals_from_postings(campaign=campaign)
    assert balances_check() == []
    # and the wall names the donor, the trace holds the gift, the receipt number is the gift's
    assert [w.name for w in wall_of_support(campaign=campaign)] == ["赵大爷"]
    assert gift_trace(donation=donation).breakdown.held == cny(3000)
    assert donation.receipt_number == f"CF-{site_today().year}-{donation.pk:08d}"
    # and a donor who gave no email gets no mail (and no mail is attempted)
    assert mailoutbox == [] and not SentMessage.objects.exists()
    assert gift.scan.name.startswith("offline/")


def test_a_donor_with_an_email_gets_the_receipt_and_an_anonymous_one_stays_off_the_wall(
    campaign, django_capture_on_commit_callbacks, mailoutbox
):
    gift = record(campaign, donor_email="Zhao@Example.cn", anonymous=True)

    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))

    gift.refresh_from_db()
    assert gift.donation.donor.email == "zhao@example.cn"
    assert [m.to for m in mailoutbox] == [["zhao@example.cn"]]
    assert gift.donation.receipt_number in mailoutbox[0].body
    assert wall_of_support(campaign=campaign) == []


def test_the_same_receipt_typed_twice_is_refused_with_a_clear_message(campaign):
    # given a recorded cash gift
    record(campaign)

    # when the same station, reference, amount and date are typed again (full-width, other spacing)
    with pytest.raises(OfflineGiftRefused) as refused:
        record(
            campaign,
            reference="ＪＨ－0001 ".replace("－", "-"),
            place="江华县 大石桥村服务站",
            by="finance-b",
        )

    # then it is refused, and one gift is recorded
    assert "already recorded" in refused.value.messages[0]
    assert OfflineGift.objects.count() == 1
    # but another amount, or another date, is another gift
    record(campaign, amount="300")
    assert OfflineGift.objects.count() == 2


def test_the_key_is_deterministic_and_names_what_identifies_the_receipt():
    today = site_today()
    one = offline_gift_key(channel="cash", place="站 A", reference="r1", amount=cny(5), received_on=today)
    same = offline_gift_key(channel="cash", place="站A", reference="R1", amount=cny(5), received_on=today)
    other = offline_gift_key(channel="cash", place="站A", reference="R1", amount=cny(6), received_on=today)
    assert one == same != other
    assert one.startswith("offline:cash:") and one.endswith(f":500CNY:{today.isoformat()}")


def test_the_recorder_cannot_confirm_or_reject_their_own_entry(campaign):
    gift = record(campaign)

    with pytest.raises(PermissionDenied):
        offline_gift_confirm(gift=gift, actor=officer("finance-a"))
    with pytest.raises(PermissionDenied):
        offline_gift_reject(gift=gift, actor=officer("finance-a"), reason="typo")

    gift.refresh_from_db()
    assert gift.status == OfflineGiftStatus.RECORDED and gift.donation is None
    assert LedgerEntry.objects.count() == 0


def test_someone_not_in_finance_cannot_record(campaign):
    from django.contrib.auth.models import User

    with pytest.raises(PermissionDenied):
        offline_gift_record(campaign=campaign, amount=cny(10), channel="cash", place="站", reference="1",
                            received_on=site_today(), actor=User.objects.create(username="editor"))  # fmt: skip


def test_a_rejected_gift_never_enters_the_ledger_and_cannot_be_confirmed_later(campaign):
    gift = record(campaign)

    offline_gift_reject(gift=gift, actor=officer("finance-b"), reason="收据作废 / receipt voided")
    with pytest.raises(TransitionNotAllowed):
        offline_gift_confirm(gift=gift, actor=officer("finance-c"))

    gift.refresh_from_db()
    assert gift.status == OfflineGiftStatus.REJECTED and gift.donation is None
    assert LedgerEntry.objects.count() == 0
    assert campaign_totals_uncached(campaign=campaign).raised == cny(0)
    # and the corrected entry of the same receipt may be typed again
    assert record(campaign).status == OfflineGiftStatus.RECORDED


@pytest.mark.parametrize(
    ("amount", "days_ahead", "message"),
    [("0", 0, "positive amount"), ("-5", 0, "positive amount"), ("10", 1, "future")],
)
def test_bad_entries_are_refused(campaign, amount, days_ahead, message):
    from datetime import timedelta

    with pytest.raises(OfflineGiftRefused) as refused:
        record(campaign, amount=amount, received_on=site_today() + timedelta(days=days_ahead))
    assert message in refused.value.messages[0]
    assert not OfflineGift.objects.exists()


def test_a_bank_transfer_waits_for_its_statement_line(campaign):
    gift = record(
        campaign, channel=OfflineChannel.BANK_TRANSFER, place="工商银行 1234", reference="CF-BANK-9"
    )

    with pytest.raises(OfflineGiftRefused) as refused:
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))

    assert "bank statement" in refused.value.messages[0]
    assert LedgerEntry.objects.count() == 0


def test_admin_screen_records_and_a_second_officer_confirms(
    campaign, client, django_capture_on_commit_callbacks
):
    # given a finance officer on the offline gifts screen, typing the amount in yuan
    client.force_login(officer("finance-a"))
    form = {"record": "1", "campaign": campaign.pk, "amount": "¥1,500", "channel": "cash", "place": "大石桥村服务站",
            "reference": "JH-0042", "received_on": site_today().isoformat(), "donor_name": "", "donor_email": ""}  # fmt: skip
    response = client.post("/admin/offline/", form)
    assert response.status_code == 302
    gift = OfflineGift.objects.get()
    assert gift.amount == cny(1500)

    # when the same officer tries to confirm it, the screen says why not; nothing is written
    response = client.post("/admin/offline/", {"confirm": "1", "gift": gift.pk})
    assert response.status_code == 200 and "您登记的捐款须由另一位财务人员确认" in response.content.decode()
    # and the same receipt posted again is refused with a message, not a 500
    response = client.post("/admin/offline/", form)
    assert response.status_code == 200 and "这张收据已登记过" in response.content.decode()

    # when a second officer confirms it
    client.force_login(officer("finance-b"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/offline/", {"confirm": "1", "gift": gift.pk})
    assert response.status_code == 302
    assert campaign_totals_uncached(campaign=campaign).raised == cny(1500)


def test_the_scan_is_for_finance_only(campaign, client):
    gift = record(
        campaign, scan=SimpleUploadedFile("r.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    )
    from django.contrib.auth.models import User

    editor = User.objects.create(username="editor2", is_staff=True, is_superuser=False)
    client.force_login(editor)
    assert client.get(f"/admin/offline/{gift.pk}/scan/").status_code in (302, 403)
    client.force_login(officer("finance-b"))
    response = client.get(f"/admin/offline/{gift.pk}/scan/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 scan"


def test_a_confirmed_offline_gift_is_not_refunded_through_the_provider(campaign):
    from payments.refunds.services import RefundNotAllowed, refund_request

    gift = record(campaign)
    offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    gift.refresh_from_db()

    with pytest.raises(RefundNotAllowed):
        refund_request(
            donation=gift.donation, amount=cny(100), actor=officer("finance-b"), reason="donor asked"
        )
    assert balance_of(escrow_account(campaign)) == cny(3000)


def test_an_all_or_nothing_campaign_takes_no_offline_gift(db):
    from campaigns.models import CampaignStatus, FundingModel
    from tests.factories import CampaignFactory

    campaign = CampaignFactory(status=CampaignStatus.LIVE, funding_model=FundingModel.ALL_OR_NOTHING)

    with pytest.raises(OfflineGiftRefused):
        record(campaign)
    assert not OfflineGift.objects.exists()


def test_the_screens_read_in_chinese_for_a_finance_officer(campaign, client):
    record(campaign)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(officer("finance-b"))

    gifts = client.get("/admin/offline/").content.decode()
    statements = client.get("/admin/offline/bank-statements/").content.decode()

    assert "登记线下收到的捐款" in gifts and "村服务站现金" in gifts and "待确认" in gifts
    assert "导入银行流水" in statements and "待对账的记录" in statements


def test_a_confirmed_offline_gift_in_a_pools_window_is_matched(campaign, django_capture_on_commit_callbacks):
    from payments.matching.models import PoolMatch
    from tests.payments.matching_helpers import pool

    pool([campaign], cap=100_000)
    gift = record(campaign, amount="300")

    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))

    gift.refresh_from_db()
    assert PoolMatch.objects.get().donation == gift.donation
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.matched) == (cny(300), cny(300))
    assert totals == campaign_totals_from_postings(campaign=campaign)


def test_the_gifts_export_names_the_offline_receipt(campaign, client):
    gift = record(campaign, reference="JH-0777")
    offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    client.force_login(officer("finance-b"))
    from datetime import timedelta

    days = {
        "start": (site_today() - timedelta(days=1)).isoformat(),
        "end": (site_today() + timedelta(days=1)).isoformat(),
    }
    response = client.get("/admin/finance/exports/gifts.csv", days)

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "JH-0777" in body


def test_the_trace_of_an_offline_gift_shows_the_day_received_and_how(
    client, campaign, django_capture_on_commit_callbacks
):
    # given cash taken at a village station three days before a finance officer typed it in, confirmed
    from datetime import timedelta

    received = site_today() - timedelta(days=3)
    gift = record(campaign, received_on=received)
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    gift.refresh_from_db()
    public_id = gift.donation.public_id

    # when its public trace is read in English and in Chinese
    english = client.get(f"/en/payments/trace/{public_id}/").content.decode()
    chinese = client.get(f"/payments/trace/{public_id}/").content.decode()

    # then the gift's step names the method and the day the station took it, not the day it was typed in
    assert f"Cash at a village station, received {received:%Y-%m-%d}" in english
    assert f"村服务站现金，{received:%Y-%m-%d} 收到" in chinese
    assert f"received {site_today():%Y-%m-%d}" not in english


def test_receipts_of_an_offline_gift_are_dated_the_day_it_was_received(
    client, campaign, django_capture_on_commit_callbacks, mailoutbox
):
    # given cash taken five days before a second officer confirmed it
    import re
    from datetime import timedelta

    from reports.receipts import gift_receipt_html
    from reports.selectors.donor_statement import donor_statement

    received, today = site_today() - timedelta(days=5), site_today()
    gift = record(campaign, received_on=received, donor_email="zhao@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    gift.refresh_from_db()
    donation = gift.donation
    assert donation.gift_day == received

    # then the receipt mail, the donor's own page, the receipt PDF and the statement all give that day
    (mail,) = mailoutbox
    assert f"{received:%Y-%m-%d}" in mail.body and f"{today:%Y-%m-%d}" not in mail.body
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.body).group(1)
    page = client.get(link, follow=True).content.decode()
    assert donation.receipt_number in page
    assert f"{received:%Y-%m-%d}" in page and f"<dd>{today:%Y-%m-%d}</dd>" not in page
    assert f'<p class="meta">{received:%Y-%m-%d} ·' in page  # the gift's heading on the donor's page
    pdf = gift_receipt_html(donation=donation, language="en")
    assert f"{received:%Y-%m-%d}" in pdf and f"{today:%Y-%m-%d}" not in pdf
    statement = donor_statement(donor_id=donation.donor_id, period="")
    assert [g.day for g in statement.gifts] == [received]
    # and the receipt number stays the one the gift was given when it was confirmed
    assert donation.receipt_number == f"CF-{today.year}-{donation.pk:08d}"


def test_a_card_gifts_day_is_its_capture_day_read_without_a_query(
    campaign, fake_gateway, django_assert_num_queries
):
    from tests.payments.factories import give

    donation = give(campaign, "300")
    with django_assert_num_queries(0):
        assert donation.gift_day == site_today()
