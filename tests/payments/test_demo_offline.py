"""``demo_offline``: a confirmed cash gift at a village station, one awaiting confirmation, a bank
transfer that the demo GBK statement matches; idempotent, and the figures equal the ledger."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from campaigns.roles import FINANCE_OFFICERS
from payments.figures.balance_check import balances_check
from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.offline.models import (
    BankStatementLine,
    LineOutcome,
    OfflineChannel,
    OfflineGift,
    OfflineGiftStatus,
)
from payments.offline.services import offline_gift_confirm
from payments.offline.statements import statement_import
from tests.factories import CampaignFactory
from tests.payments.conftest import cny
from tests.payments.matching_helpers import officer

pytestmark = pytest.mark.django_db
DEMO_FILE = Path(__file__).resolve().parents[2] / "docs" / "demo" / "bank-statement-icbc-gbk.csv"


def test_demo_offline_and_its_bank_file(django_capture_on_commit_callbacks):
    campaign = CampaignFactory(slug="cataract-surgery", status="live", min_donation_minor=100)
    Group.objects.get_or_create(name=FINANCE_OFFICERS)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_offline", stdout=StringIO())
        call_command("demo_offline", stdout=StringIO())

    statuses = sorted((g.channel, g.status) for g in OfflineGift.objects.all())
    assert statuses == [
        (OfflineChannel.BANK_TRANSFER, OfflineGiftStatus.RECORDED),
        (OfflineChannel.CASH, OfflineGiftStatus.CONFIRMED),
        (OfflineChannel.CASH, OfflineGiftStatus.RECORDED),
    ]
    assert campaign_totals_uncached(campaign=campaign).raised == cny(3000)

    # the demo statement matches the transfer, which a second officer can then confirm
    result = statement_import(
        data=DEMO_FILE.read_bytes(), file_name=DEMO_FILE.name, actor=officer("finance-x")
    )
    assert (result.credit_lines, result.matched, result.unmatched) == (2, 1, 1)
    line = BankStatementLine.objects.get(outcome=LineOutcome.MATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=line.offline_gift, actor=officer("finance-x"))
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.donors) == (cny(6000), 2)
    assert totals == campaign_totals_from_postings(campaign=campaign)
    assert balances_check() == []
