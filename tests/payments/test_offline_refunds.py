"""Offline refunds (ADR 0237): a confirmed offline gift paid back in cash or by transfer, recorded by
one finance officer and confirmed by another, posted through the card refunds' own posting, its
match given back, a credit note like a card refund's, never more than is left, never via Stripe."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from campaigns.site_time import site_today
from campaigns.state_tables import TransitionNotAllowed
from payments.donations.models import DonationStatus
from payments.figures.balance_check import balances_check
from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.ledger.services import balance_of
from payments.matching.models import PoolMatch
from payments.matching.services import pool_account
from payments.models import LedgerEntry, OutboxCommand, Refund
from payments.offline.models import OfflineChannel, OfflineRefundMethod, OfflineRefundStatus
from payments.offline.refunds import (
    OfflineRefundRefused,
    offline_refund_confirm,
    offline_refund_record,
    offline_refund_reject,
)
from payments.offline.services import offline_gift_confirm, offline_gift_record
from payments.refunds.models import RefundStatus
from payments.refunds.services import RefundNotAllowed, refund_request
from tests import builders
from tests.factories import PartnerFactory
from tests.payments.conftest import cny
from tests.payments.matching_helpers import officer, pool
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def cash_gift(campaign, django_capture_on_commit_callbacks):
    """A ¥3,000 cash gift taken at a village station, confirmed by a second officer."""
    gift = offline_gift_record(campaign=campaign, amount=cny(3000), channel=OfflineChannel.CASH,
                               place="江华县大石桥村服务站", reference="JH-0001", received_on=site_today(),
                               donor_name="赵大爷", actor=officer("finance-a"))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    gift.refresh_from_db()
    return gift


def record(gift, amount="1000", *, reference="TK-0001", by="finance-a", method=OfflineRefundMethod.CASH):
    return offline_refund_record(gift=gift, amount=cny(amount), method=method, reference=reference,
                                 reason="赵大爷的孙子生病，要回一部分", actor=officer(by))  # fmt: skip


def test_a_confirmed_offline_refund_is_a_refund_in_the_ledger_with_a_credit_note_and_gives_back_the_match(
    campaign, django_capture_on_commit_callbacks
):
    # given a ¥3,000 cash gift in a 1:1 pool's window, matched ¥3,000
    p = pool([campaign], cap=500_000)
    gift = offline_gift_record(campaign=campaign, amount=cny(3000), channel=OfflineChannel.CASH,
                               place="大石桥村服务站", reference="JH-0002", received_on=site_today(),
                               actor=officer("finance-a"))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    gift.refresh_from_db()
    assert PoolMatch.objects.get(donation=gift.donation).amount_minor == 300_000

    # when ¥1,000 handed back in cash is recorded (nothing in the ledger yet) and a second officer
    # confirms it, twice (a double click)
    recorded = record(gift)
    assert not Refund.objects.exists() and not LedgerEntry.objects.filter(kind__startswith="refund.").exists()
    with django_capture_on_commit_callbacks(execute=True):
        offline_refund_confirm(refund=recorded, actor=officer("finance-b"))
    offline_refund_confirm(refund=recorded, actor=officer("finance-b"))

    # then it is one succeeded refund, posted once escrow → refunds by the refund posting, with a
    # credit note numbered like a card refund's, and nothing for the provider
    recorded.refresh_from_db()
    refund = recorded.refund
    assert recorded.status == OfflineRefundStatus.CONFIRMED
    assert (refund.status, refund.amount, refund.key) == (
        RefundStatus.SUCCEEDED,
        cny(1000),
        f"offline-refund:{recorded.pk}",
    )
    assert refund.credit_note_number == f"CN-{site_today().year}-{refund.pk:08d}"
    entry = LedgerEntry.objects.get(kind__startswith="refund.")
    assert (entry.key, entry.kind) == (refund.key, "refund.issued_offline")
    assert not OutboxCommand.objects.exists()
    donation = gift.donation
    donation.refresh_from_db()
    assert (donation.refunded_minor, donation.status) == (100_000, DonationStatus.PARTIALLY_REFUNDED)
    # and its match is given back by the same share: a third of ¥3,000
    match = PoolMatch.objects.get(donation=donation)
    assert match.reduced_minor == 100_000
    assert balance_of(pool_account(p)) == cny(3000)
    # and every figure equals the ledger
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.refunded, totals.matched, totals.held) == (
        cny(3000),
        cny(1000),
        cny(2000),
        cny(4000),
    )
    assert totals == campaign_totals_from_postings(campaign=campaign)
    assert balances_check() == []


def test_four_eyes_and_finance_only(cash_gift):
    # given a recorded refund
    recorded = record(cash_gift)

    # when its recorder confirms it, or someone outside finance records one
    with pytest.raises(PermissionDenied):
        offline_refund_confirm(refund=recorded, actor=officer("finance-a"))
    from django.contrib.auth.models import User

    volunteer = User.objects.create(username="volunteer")
    with pytest.raises(PermissionDenied):
        offline_refund_record(gift=cash_gift, amount=cny(1), method=OfflineRefundMethod.CASH, reference="X",
                              reason="r", actor=volunteer)  # fmt: skip

    # then nothing reached the ledger
    assert not Refund.objects.exists()
    assert not LedgerEntry.objects.filter(kind__startswith="refund.").exists()


def test_the_same_repayment_typed_twice_is_refused_and_a_rejected_one_may_be_typed_again(cash_gift):
    first = record(cash_gift, reference="TK-0009")

    # when the same receipt is typed again (full-width and spaced: the same number)
    with pytest.raises(OfflineRefundRefused, match="already recorded"):
        record(cash_gift, reference=" ＴＫ-0009 ", by="finance-c")

    # and after the first is rejected, it may be typed again correctly
    offline_refund_reject(refund=first, actor=officer("finance-b"), reason="typed the wrong amount")
    again = record(cash_gift, "500", reference="TK-0009")
    assert again.status == OfflineRefundStatus.RECORDED
    # a rejected one is never confirmed and never posts
    with pytest.raises(TransitionNotAllowed):
        offline_refund_confirm(refund=first, actor=officer("finance-b"))
    assert not LedgerEntry.objects.filter(kind__startswith="refund.").exists()


def test_never_more_than_is_left_counting_refunds_awaiting_confirmation(cash_gift):
    # given ¥2,000 of the ¥3,000 gift recorded as paid back (not confirmed yet)
    record(cash_gift, "2000", reference="TK-1")

    # when another ¥1,500 is recorded, or a negative, zero or foreign-currency amount
    with pytest.raises(OfflineRefundRefused, match="At most ¥1,000 of this gift"):
        record(cash_gift, "1500", reference="TK-2")
    for bad in ("0", "-5"):
        with pytest.raises(OfflineRefundRefused):
            record(cash_gift, bad, reference=f"TK-{bad}")

    # then ¥1,000 still fits, and nothing more
    record(cash_gift, "1000", reference="TK-3")
    with pytest.raises(OfflineRefundRefused):
        record(cash_gift, "0.01", reference="TK-4")


def test_confirmation_checks_again_what_is_left_and_released_cents_are_never_paid_back(
    verifier, finance_officer, django_capture_on_commit_callbacks
):
    # given a ¥3,000 cash gift to a campaign with a beneficiary, and ¥2,000 of it recorded as paid back
    beneficiary = BeneficiaryFactory(
        verified_by=verifier, campaign__status="live", campaign__min_donation_minor=100
    )
    campaign = beneficiary.campaign
    gift = offline_gift_record(campaign=campaign, amount=cny(3000), channel=OfflineChannel.CASH, place="站",
                               reference="JH-R", received_on=site_today(), actor=officer("finance-a"))  # fmt: skip
    offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    gift.refresh_from_db()
    recorded = record(gift, "2000", reference="TK-R")

    # when a ¥2,500 release takes the gift's cents before the refund is confirmed
    builders.approved_release(beneficiary=beneficiary, partner=PartnerFactory(), verifier=verifier,
                              finance_officer=finance_officer, minor=250_000)  # fmt: skip

    # then confirming is refused, naming what is still held, and nothing is posted
    with pytest.raises(OfflineRefundRefused, match="Only ¥500 of this gift"):
        offline_refund_confirm(refund=recorded, actor=officer("finance-b"))
    recorded.refresh_from_db()
    assert recorded.status == OfflineRefundStatus.RECORDED and recorded.refund is None
    assert not Refund.objects.exists()
    assert not LedgerEntry.objects.filter(kind__startswith="refund.").exists()
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.held, totals.refunded) == (cny(500), cny(0))
    assert totals == campaign_totals_from_postings(campaign=campaign)


def test_an_offline_gift_is_never_refunded_through_the_provider_nor_an_unconfirmed_one_offline(
    campaign, cash_gift
):
    with pytest.raises(RefundNotAllowed):
        refund_request(
            donation=cash_gift.donation, amount=cny(100), reason="asked", actor=officer("finance-a")
        )
    unconfirmed = offline_gift_record(campaign=campaign, amount=cny(50), channel=OfflineChannel.CASH, place="站",
                                      reference="JH-9", received_on=site_today(), actor=officer("finance-a"))  # fmt: skip
    with pytest.raises(OfflineRefundRefused, match="confirmed"):
        record(unconfirmed, "10", reference="TK-U")
    assert not Refund.objects.exists()


def test_the_admin_screen_records_confirms_and_answers_bad_input_with_400(client, cash_gift):
    url = reverse("offline_refunds")
    # given a finance officer on the screen
    client.force_login(officer("finance-a"))
    assert client.get(url).status_code == 200

    # when a refund above the gift is posted, then a good one
    too_much = client.post(url, {"record": "1", "gift": cash_gift.pk, "amount": "5000", "method": "cash",
                                 "reference": "TK-W", "reason": "asked"})  # fmt: skip
    good = client.post(url, {"record": "1", "gift": cash_gift.pk, "amount": "100", "method": "cash",
                             "reference": "TK-W", "reason": "asked"})  # fmt: skip
    garbage = client.post(url, {"confirm": "1", "refund": "abc"})

    # then the first is a 400 naming the limit, the second recorded, a made-up id a 404
    assert too_much.status_code == 400 and 'role="alert"' in too_much.content.decode()
    assert not cash_gift.refunds.filter(amount_minor=500_000).exists()
    assert good.status_code == 302
    assert garbage.status_code == 404
    # and its recorder cannot confirm it, a second officer can
    recorded = cash_gift.refunds.get()
    refused = client.post(url, {"confirm": "1", "refund": recorded.pk})
    assert refused.status_code == 400
    client.force_login(officer("finance-b"))
    assert client.post(url, {"confirm": "1", "refund": recorded.pk}).status_code == 302
    recorded.refresh_from_db()
    assert recorded.status == OfflineRefundStatus.CONFIRMED
    # and someone outside finance is refused the screen
    from django.contrib.auth.models import User

    client.force_login(User.objects.create(username="editor", is_staff=True))
    assert client.get(url).status_code in (302, 403)
