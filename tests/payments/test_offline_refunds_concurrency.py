"""Offline refunds of one gift at the same moment, each in its own connection (ADR 0237): never more
than the gift between them, and a double confirmation posts once."""

import pytest
from django.utils import translation

from campaigns.site_time import site_today
from payments.models import Donation, LedgerEntry, Refund
from payments.offline.models import OfflineChannel, OfflineRefund, OfflineRefundMethod, OfflineRefundStatus
from payments.offline.refunds import offline_refund_confirm, offline_refund_record
from payments.offline.services import offline_gift_confirm, offline_gift_record
from tests.factories import CampaignFactory
from tests.payments.conftest import cny
from tests.payments.matching_helpers import officer
from tests.payments.test_concurrency import run_threads

pytestmark = pytest.mark.django_db(transaction=True)


def in_english(service, **kwargs):
    """Each thread's refusal in English (threads start in the site's language)."""
    with translation.override("en"):
        return service(**kwargs)


def test_simultaneous_refunds_never_exceed_the_gift_and_a_double_confirm_posts_once():
    # given a confirmed ¥3,000 cash gift
    campaign = CampaignFactory(status="live", min_donation_minor=100)
    gift = offline_gift_record(campaign=campaign, amount=cny(3000), channel=OfflineChannel.CASH, place="站",
                               reference="JH-C", received_on=site_today(), actor=officer("finance-a"))  # fmt: skip
    offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    gift.refresh_from_db()
    officer("finance-c")

    # when four officers record ¥1,000 each at the same moment, under four receipts
    errors = run_threads(
        lambda i: in_english(offline_refund_record, gift=gift, amount=cny(1000), method=OfflineRefundMethod.CASH,
                             reference=f"TK-{i}", reason="asked", actor=officer("finance-a")),
        4,
    )  # fmt: skip

    # then three are recorded and the fourth is refused for what is left
    assert len(errors) == 1 and "At most" in errors[0][1]
    recorded = list(OfflineRefund.objects.filter(status=OfflineRefundStatus.RECORDED))
    assert len(recorded) == 3

    # when each is confirmed twice at the same moment by two other officers
    errors = run_threads(
        lambda i: offline_refund_confirm(
            refund=recorded[i % 3], actor=officer(("finance-b", "finance-c")[i // 3])
        ),
        6,
    )

    # then each posts once and the gift is refunded exactly in full
    assert errors == []
    assert Refund.objects.count() == 3
    assert LedgerEntry.objects.filter(kind="refund.issued_offline").count() == 3
    assert Donation.objects.get(pk=gift.donation_id).refunded_minor == 300_000
