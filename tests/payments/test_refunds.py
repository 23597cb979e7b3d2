"""Refunds through the outbox: reservation, provider call, retries, terminal failure."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from payments.figures.selectors import campaign_totals_uncached
from payments.gateway.card import RetryableGatewayError, TerminalGatewayError
from payments.ledger.services import account_for, balance_of, escrow_account
from payments.models import AccountKind, DonationStatus, LedgerEntry, OutboxCommand, Refund, RefundStatus
from payments.refunds.services import RefundNotAllowed, outbox_execute, refund_request
from tests.payments.conftest import cny
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


def refunds_account():
    return account_for(kind=AccountKind.REFUNDS, currency="CNY")


def test_partial_then_full_refund(
    fake_gateway, campaign, finance_officer, django_capture_on_commit_callbacks
):
    gift = give(campaign, "300")

    with django_capture_on_commit_callbacks(execute=True):
        first = refund_request(donation=gift, amount=cny("100"), reason="donor asked", actor=finance_officer)
    gift.refresh_from_db()
    assert first.status == "pending"  # the object returned before the worker ran
    assert Refund.objects.get(pk=first.pk).status == RefundStatus.SUCCEEDED
    assert gift.status == DonationStatus.PARTIALLY_REFUNDED
    assert balance_of(escrow_account(campaign)) == cny("200")

    with django_capture_on_commit_callbacks(execute=True):
        refund_request(donation=gift, amount=cny("200"), reason="donor asked again", actor=finance_officer)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.REFUNDED
    assert balance_of(escrow_account(campaign)) == cny("0")
    assert balance_of(refunds_account()) == cny("300")
    assert [r["amount"] for r in fake_gateway.refunds.values()] == [cny("100"), cny("200")]
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.refunded, totals.held, totals.donors) == (
        cny("300"),
        cny("300"),
        cny("0"),
        0,
    )


def test_double_submitted_refund_is_one_refund(fake_gateway, campaign, finance_officer,
                                               django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "300")
    first = refund_request(donation=gift, amount=cny("100"), reason="r", actor=finance_officer)
    gift.refresh_from_db()
    # the second form was built from the same page, before the first refund reserved anything
    gift.refunded_minor = 0
    second = refund_request(donation=gift, amount=cny("100"), reason="r", actor=finance_officer,
                            key=first.key)  # fmt: skip
    assert first.pk == second.pk
    assert Refund.objects.count() == 1 and OutboxCommand.objects.count() == 1


def test_only_finance_officers_refund(fake_gateway, campaign, editor):
    gift = give(campaign, "300")
    with pytest.raises(PermissionDenied):
        refund_request(donation=gift, amount=cny("100"), reason="r", actor=editor)
    assert not Refund.objects.exists()
    assert not LedgerEntry.objects.filter(kind__startswith="refund").exists()


def test_refund_beyond_what_is_left_is_refused(fake_gateway, campaign, finance_officer):
    gift = give(campaign, "300")
    refund_request(donation=gift, amount=cny("250"), reason="r", actor=finance_officer)
    with pytest.raises(RefundNotAllowed):
        refund_request(donation=gift, amount=cny("50.01"), reason="r", actor=finance_officer)
    assert Refund.objects.count() == 1


def test_provider_outage_leaves_the_refund_pending_and_the_sweeper_finishes_it(
    fake_gateway, campaign, finance_officer, django_capture_on_commit_callbacks
):
    # given a provider that is down for the first attempt
    gift = give(campaign, "300")
    fake_gateway.fail_next("refund_create", RetryableGatewayError("503 from provider"))

    # when the refund is asked for
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_request(
            donation=gift, amount=cny("120"), reason="duplicate gift", actor=finance_officer
        )

    # then nothing was refunded at the provider, the command waits with a later attempt time,
    # and the only entry is the reservation
    command = OutboxCommand.objects.get()
    assert (command.status, command.attempts) == ("pending", 1)
    assert command.next_attempt_at > timezone.now()
    assert fake_gateway.refunds == {}
    assert Refund.objects.get().status == RefundStatus.PENDING
    assert list(LedgerEntry.objects.filter(kind__startswith="refund").values_list("key", flat=True)) == [
        refund.key
    ]

    # when the sweeper runs before the command is due, nothing happens; once due, it finishes
    assert outbox_execute(command_id=command.pk) == "skipped"
    OutboxCommand.objects.filter(pk=command.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbox_execute(command_id=command.pk) == "done"
    assert len(fake_gateway.refunds) == 1
    assert balance_of(escrow_account(campaign)) == cny("180")
    assert balance_of(refunds_account()) == cny("120")


def test_terminal_provider_failure_restores_escrow(fake_gateway, campaign, finance_officer,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "300")
    fake_gateway.fail_next("refund_create", TerminalGatewayError("charge is too old", code="charge_expired"))

    with django_capture_on_commit_callbacks(execute=True):
        refund_request(donation=gift, amount=cny("300"), reason="r", actor=finance_officer)

    gift.refresh_from_db()
    assert Refund.objects.get().status == RefundStatus.FAILED
    assert OutboxCommand.objects.get().status == "failed"
    assert fake_gateway.refunds == {}
    assert balance_of(escrow_account(campaign)) == cny("300")
    assert balance_of(refunds_account()) == cny("0")
    assert (gift.refunded_minor, gift.status) == (0, DonationStatus.SUCCEEDED)
    assert campaign_totals_uncached(campaign=campaign).refunded == cny("0")


def test_refund_page_for_finance_officer(client, fake_gateway, campaign, finance_officer,
                                         django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "300")
    client.force_login(finance_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/finance/gifts/{gift.public_id}/refund/", {"amount": "50", "reason": "typo"}
        )
    assert response.status_code == 302
    assert balance_of(escrow_account(campaign)) == cny("250")


def test_refund_page_refuses_others(client, fake_gateway, campaign, editor):
    gift = give(campaign, "300")
    client.force_login(editor)
    response = client.post(f"/admin/finance/gifts/{gift.public_id}/refund/", {"amount": "50", "reason": "x"})
    assert (response.status_code, response.url) == (302, "/admin/")  # an admin screen: Wagtail's refusal
    assert not Refund.objects.exists()


def test_finance_gift_list_finds_by_email_and_hides_from_others(client, fake_gateway, campaign, finance_officer,
                                                                editor):  # fmt: skip
    give(campaign, "300", email="find.me@example.cn")
    give(campaign, "100", email="other@example.cn")
    client.force_login(finance_officer)
    html = client.get("/admin/finance/gifts/?q=find.me").content.decode()
    assert "find.me@example.cn" in html and "other@example.cn" not in html
    client.force_login(editor)
    response = client.get("/admin/finance/gifts/")  # an admin screen: Wagtail's refusal
    assert (response.status_code, response.url) == (302, "/admin/")


def test_refund_of_money_already_released_is_refused_and_writes_nothing(
    fake_gateway, campaign, verifier, finance_officer
):
    from tests.builders import approved_release
    from tests.factories import PartnerFactory
    from tests.verification.factories import BeneficiaryFactory

    # given a ¥300 gift of which ¥250 was released to a partner (by the real four-eyes flow)
    gift = give(campaign, "300")
    beneficiary = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    approved_release(beneficiary=beneficiary, partner=PartnerFactory(), verifier=verifier,
                     finance_officer=finance_officer, minor=25_000)  # fmt: skip

    with pytest.raises(RefundNotAllowed):
        refund_request(donation=gift, amount=cny("100"), reason="r", actor=finance_officer)

    gift.refresh_from_db()
    assert not Refund.objects.exists() and not OutboxCommand.objects.exists()
    assert gift.refunded_minor == 0
    assert fake_gateway.refunds == {}
    assert balance_of(escrow_account(campaign)) == cny("50")


def test_admin_menu_shows_gifts_to_finance_officers_only(client, finance_officer, editor):
    client.force_login(finance_officer)
    assert "/admin/finance/gifts/" in client.get("/admin/").content.decode()
    client.force_login(editor)
    assert "/admin/finance/gifts/" not in client.get("/admin/").content.decode()


def test_the_admin_refund_list_reads_in_words_not_codes(client, fake_gateway, campaign, finance_officer,
                                                        django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "300")
    with django_capture_on_commit_callbacks(execute=True):
        refund_request(donation=gift, amount=cny("40"), reason="donor asked", actor=finance_officer)
    client.force_login(finance_officer)

    html = client.get("/admin/refunds/").content.decode()

    assert f"¥300 → {campaign.title}（部分退款）" in html  # Chinese brackets (ADR 0417)
    assert "partially_refunded" not in html and "→ 1 (" not in html and "→ 1（" not in html
    assert "支付机构给出的原因" in html  # column headers in the admin's language


def test_refund_page_is_an_admin_screen_and_its_old_address_leads_there(client, fake_gateway, campaign,
                                                                         finance_officer):  # fmt: skip
    gift = give(campaign, "300")
    client.force_login(finance_officer)
    screen = f"/admin/finance/gifts/{gift.public_id}/refund/"
    html = client.get(screen).content.decode()
    assert 'data-testid="refund-gift"' in html
    # Wagtail's admin frame (sidebar, breadcrumbs back to the gift list), not the public site's layout.
    assert 'id="wagtail-sidebar-props"' in html and 'href="/admin/finance/gifts/"' in html
    assert 'class="site-header' not in html
    old = f"/payments/gifts/{gift.public_id}/refund/"
    assert (client.get(old).status_code, client.get(old)["Location"]) == (302, screen)
    posted = client.post(old, {"amount": "50", "reason": "x"})
    assert (posted.status_code, posted["Location"]) == (307, screen)  # the form stays a post
    assert not Refund.objects.exists()
