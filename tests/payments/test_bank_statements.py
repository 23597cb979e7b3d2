"""Bank statement import (ADR 0230): GBK and UTF-8 files as Chinese banks export them, refused whole
with line numbers, imported once, each credit line matched to one expected transfer or left to
reconcile (unmatched, ambiguous)."""

from pathlib import Path

import pytest
from django.utils import translation

from campaigns.site_time import site_today
from payments.figures.balance_check import balances_check
from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.matching.models import Matcher, PayInMethod, PayInStatus
from payments.matching.services import pool_pay_in_record
from payments.models import LedgerEntry
from payments.offline.models import (
    BankStatementLine,
    LineOutcome,
    OfflineChannel,
    OfflineGiftStatus,
    StatementImport,
)
from payments.offline.services import offline_gift_confirm, offline_gift_record, offline_gift_reject
from payments.offline.statements import StatementRefused, statement_import
from tests.payments.conftest import cny
from tests.payments.matching_helpers import officer, pool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Services' messages read in English here; the admin screens answer in the site's Chinese."""
    with translation.override("en"):
        yield


FILES = Path(__file__).parent / "bank_files"
MATCHER = "湖南湘江建材有限公司"


def load(name: str, by: str = "finance-a"):
    return statement_import(data=(FILES / name).read_bytes(), file_name=name, actor=officer(by))


def transfer(campaign, *, reference="CF-BANK-0001", amount="3000", by="finance-a"):
    return offline_gift_record(campaign=campaign, amount=cny(amount), channel=OfflineChannel.BANK_TRANSFER,
                               place="工商银行 1234", reference=reference, received_on=site_today(),
                               donor_name="张伟", actor=officer(by))  # fmt: skip


def matcher_pool(campaign):
    made = pool([campaign], cap=5_000_000, paid_in=0)
    Matcher.objects.filter(pk=made.matcher_id).update(name=MATCHER)
    return made


def pledge(made, reference, amount="10000"):
    return pool_pay_in_record(pool=made, amount=cny(amount), method=PayInMethod.BANK_TRANSFER, reference=reference,
                              actor=officer("finance-a"))  # fmt: skip


def test_a_gbk_statement_matches_a_transfer_gift_and_a_pledge_and_leaves_the_rest_to_reconcile(
    campaign, django_capture_on_commit_callbacks
):
    # given a ¥3,000 bank-transfer gift awaiting its money and a matcher's ¥10,000 pay-in recorded
    gift = transfer(campaign)
    pay_in = pledge(matcher_pool(campaign), "ICBC-PLEDGE-1")

    # when the ICBC export (GBK, title rows, a fee line, totals) is imported
    result = load("icbc_gbk.csv")

    # then three credit lines are read (the fee is a debit): the gift and the pledge matched, one left
    assert (result.credit_lines, result.new_lines, result.matched, result.unmatched) == (3, 3, 2, 1)
    lines = {line.line_no: line for line in BankStatementLine.objects.all()}
    assert lines[6].offline_gift == gift and lines[6].amount == cny(3000) and lines[6].payer_name == "张伟"
    assert lines[7].pay_in == pay_in and lines[7].outcome == LineOutcome.MATCHED
    assert lines[9].outcome == LineOutcome.UNMATCHED and lines[9].payer_account_tail == "5555"
    # and nothing reached the ledger by import alone: a second officer still confirms
    assert LedgerEntry.objects.count() == 0
    pay_in.refresh_from_db()
    assert pay_in.status == PayInStatus.RECORDED
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    totals = campaign_totals_uncached(campaign=campaign)
    assert totals.raised == cny(3000) and totals == campaign_totals_from_postings(campaign=campaign)
    assert balances_check() == []


def test_reimporting_the_same_file_imports_nothing_twice(campaign):
    transfer(campaign)
    load("icbc_gbk.csv")

    again = load("icbc_gbk.csv", by="finance-b")

    assert (again.credit_lines, again.new_lines, again.matched) == (3, 0, 0)
    assert BankStatementLine.objects.count() == 3
    assert StatementImport.objects.count() == 2


def test_a_utf8_file_with_a_byte_order_mark_in_the_debit_credit_layout(campaign):
    gift = transfer(campaign, reference="CF-BANK-0002", amount="1200")

    result = load("ccb_utf8_bom.csv")

    assert (result.credit_lines, result.matched) == (1, 1)
    line = BankStatementLine.objects.get()
    assert (line.offline_gift, line.serial, line.booked_on.isoformat()) == (gift, "CCB3001", "2026-11-30")
    assert line.statement.layout == "debit_credit"


def test_a_line_that_fits_two_expected_transfers_is_not_matched(campaign):
    # given two pay-ins of the same matcher, each ¥10,000, both recorded as bank transfers
    made = matcher_pool(campaign)
    first, second = pledge(made, "P-1"), pledge(made, "P-2")

    # when the statement shows one ¥10,000 line from that matcher
    load("icbc_gbk.csv")

    # then the line is ambiguous, linked to neither, and says which transfers fit
    line = BankStatementLine.objects.get(line_no=7)
    assert line.outcome == LineOutcome.AMBIGUOUS
    assert line.pay_in is None and line.offline_gift is None
    assert str(first.pk) in line.note and str(second.pk) in line.note


def test_two_transfer_gifts_with_the_same_reference_and_amount_are_not_matched(campaign):
    # given the same bank reference recorded for two ¥3,000 transfers into two accounts
    transfer(campaign)
    offline_gift_record(campaign=campaign, amount=cny(3000), channel=OfflineChannel.BANK_TRANSFER,
                        place="建设银行 5678", reference="CF-BANK-0001", received_on=site_today(),
                        actor=officer("finance-b"))  # fmt: skip

    load("icbc_gbk.csv")

    line = BankStatementLine.objects.get(line_no=6)
    assert line.outcome == LineOutcome.AMBIGUOUS and line.offline_gift is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("icbc_bad_amount_line7_gbk.csv", "Line 7: the amount “10,000.0O” is not understood"),
        ("icbc_missing_column_gbk.csv", "Line 5: the table's header lacks a needed column"),
        ("icbc_utf16.csv", "Line 1: the file is neither UTF-8 nor GBK text"),
    ],
)
def test_a_bad_file_is_refused_whole_with_the_line_number(campaign, name, expected):
    # given a gift that the good lines of the file would match
    gift = transfer(campaign)

    with pytest.raises(StatementRefused) as refused:
        load(name)

    assert any(e.startswith(expected) for e in refused.value.errors), refused.value.errors
    assert not BankStatementLine.objects.exists() and not StatementImport.objects.exists()
    gift.refresh_from_db()
    assert gift.status == OfflineGiftStatus.RECORDED


def test_rejecting_a_matched_gift_puts_its_line_back_to_reconcile(campaign):
    gift = transfer(campaign)
    load("icbc_gbk.csv")

    offline_gift_reject(gift=gift, actor=officer("finance-b"), reason="重复登记")

    line = BankStatementLine.objects.get(line_no=6)
    assert line.outcome == LineOutcome.UNMATCHED and line.offline_gift is None
    assert LedgerEntry.objects.count() == 0


def test_the_admin_screen_shows_the_refusal_with_its_line_and_imports_nothing(client):
    client.force_login(officer("finance-a"))
    with open(FILES / "icbc_bad_amount_line7_gbk.csv", "rb") as upload:
        response = client.post("/admin/offline/bank-statements/", {"file": upload})

    assert response.status_code == 400
    assert "第 7 行" in response.content.decode()
    assert not StatementImport.objects.exists()


def test_finance_matches_an_ambiguous_line_by_hand_then_the_gift_can_be_confirmed(
    campaign, client, django_capture_on_commit_callbacks
):
    # given two recorded transfers that both fit the ¥3,000 line
    first = transfer(campaign)
    offline_gift_record(campaign=campaign, amount=cny(3000), channel=OfflineChannel.BANK_TRANSFER,
                        place="建设银行 5678", reference="CF-BANK-0001", received_on=site_today(),
                        actor=officer("finance-b"))  # fmt: skip
    load("icbc_gbk.csv")
    line = BankStatementLine.objects.get(line_no=6)
    client.force_login(officer("finance-c"))
    url = "/admin/offline/bank-statements/"

    # when finance matches it to a pay-in that does not fit, it is refused with a message
    assert client.post(url, {"match": "1", "line": line.pk, "pay_in": "999"}).status_code == 400
    # and an unrelated line is settled with a note, not with an empty one
    other = BankStatementLine.objects.get(line_no=9)
    assert client.post(url, {"resolve": "1", "line": other.pk, "note": ""}).status_code == 400
    assert client.post(url, {"resolve": "1", "line": other.pk, "note": "利息"}).status_code == 302
    # and the ambiguous line is matched by hand to the first transfer
    assert client.post(url, {"match": "1", "line": line.pk, "offline_gift": first.pk}).status_code == 302

    # then the first transfer can be confirmed, and is in the figures
    line.refresh_from_db()
    other.refresh_from_db()
    assert (line.outcome, line.offline_gift) == (LineOutcome.MATCHED, first)
    assert (other.outcome, other.note) == (LineOutcome.RESOLVED, "利息")
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=first, actor=officer("finance-b"))
    assert campaign_totals_uncached(campaign=campaign).raised == cny(3000)


def test_a_file_without_a_known_table_is_refused_and_identical_lines_without_a_serial_stay_two():
    from payments.offline.statements import decode, parse

    with pytest.raises(StatementRefused) as refused:
        parse(decode("日期,金额\n2026-11-30,100.00\n".encode("gbk")))
    assert refused.value.errors[0].startswith("No table header found")

    # a layout without serial numbers: two identical transfers on one day are two lines
    text = "交易日期,摘要,贷方发生额,对方户名,附言\n2026-11-30,转账,100.00,王芳,捐款\n2026-11-30,转账,100.00,王芳,捐款\n"
    text = text.replace("摘要,", "").replace("转账,", "")
    _layout, lines = parse(decode(text.encode("gbk")))
    assert len(lines) == 2 and lines[0].fingerprint != lines[1].fingerprint
    assert [line.line_no for line in lines] == [2, 3]
