from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.money import Money
from payments.gateway.connect_fake import FakeConnectGateway
from payments.models import LedgerEntry, UnmatchedItem
from payments.reconciliation.services import reconciliation_run
from payments.reconciliation.tasks import reconcile_provider
from tests.factories import CampaignFactory
from tests.verification.factories import captured_donation


@pytest.fixture
def gateway():
    return FakeConnectGateway()


def test_each_provider_transaction_matches_one_ledger_entry_and_the_rest_is_listed(db, gateway, settings):
    settings.RECONCILIATION_GRACE = timedelta(0)
    campaign = CampaignFactory(status="live")
    matched = captured_donation(campaign, 10_000)
    wrong_amount = captured_donation(campaign, 20_000)
    ledger_only = captured_donation(campaign, 30_000)
    gateway.fund_platform(Money("100", "CNY"), source=matched.provider_charge_id)
    gateway.fund_platform(Money("150", "CNY"), source=wrong_amount.provider_charge_id)
    gateway.fund_platform(Money("70", "CNY"), source="ch_unknown")
    # when the job runs
    run = reconciliation_run(gateway=gateway, since=timezone.now() - timedelta(hours=1))
    # then one match and the unmatched on both sides are recorded
    assert (run.provider_transactions, run.matched, run.unmatched_provider, run.unmatched_ledger) == (
        3,
        1,
        2,
        2,
    )
    provider_side = set(
        UnmatchedItem.objects.filter(run=run, side="provider").values_list("note", "amount_minor")
    )
    assert provider_side == {("amount differs", 15_000), ("no ledger entry", 7_000)}
    ledger_side = set(
        UnmatchedItem.objects.filter(run=run, side="ledger").values_list("reference", flat=True)
    )
    assert ledger_side == {f"donation:{wrong_amount.pk}:captured", f"donation:{ledger_only.pk}:captured"}


def test_young_ledger_entries_are_not_flagged_yet(db, gateway, settings):
    settings.RECONCILIATION_GRACE = timedelta(minutes=30)
    captured_donation(CampaignFactory(status="live"), 10_000)
    run = reconciliation_run(gateway=gateway)
    assert (run.matched, run.unmatched_ledger) == (0, 0)
    assert LedgerEntry.objects.count() == 1


def test_the_scheduled_task_runs_a_reconciliation(db, settings):
    settings.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect_fake.FakeConnectGateway"
    assert "reconcile-provider-hourly" in settings.CELERY_BEAT_SCHEDULE
    run_id = reconcile_provider.delay().get()
    from payments.models import ReconciliationRun

    assert ReconciliationRun.objects.get(pk=run_id).finished_at is not None


def test_finance_reads_unmatched_amounts_in_yuan_and_run_columns_in_chinese(
    client, finance_officer, gateway, settings
):
    """Issue 13: no raw codes or minor units in the admin. An unmatched ¥1,234.50 shows as such,
    not as 123450, and the reconciliation columns are named in the reader's language."""
    settings.RECONCILIATION_GRACE = timedelta(0)
    gateway.fund_platform(Money("1234.50", "CNY"), source="ch_unknown")
    reconciliation_run(gateway=gateway, since=timezone.now() - timedelta(hours=1))
    client.force_login(finance_officer)
    # when finance opens both lists in Chinese
    unmatched = client.get("/admin/unmatched/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    runs = client.get("/admin/reconciliation_runs/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # then the amount reads in yuan and the headers in Chinese
    assert "¥1,234.50" in unmatched
    assert "123450" not in unmatched
    assert "仅支付机构有" in runs and "Unmatched provider" not in runs
