"""A donor claims a need on the needs board and pays for it from a phone (localstripe's Stripe.js
shim, headless Chromium); the paid gift funds the need, whose page shows its ledger entry."""

import pytest

from campaigns.models import Need, NeedStatus
from campaigns.money import Money
from campaigns.verification.needs import need_post, need_vet
from payments.ledger.models import LedgerEntry
from payments.models import Donation, DonationStatus
from tests.browser.steps import fill_card, no_horizontal_scroll, press_give
from tests.verification.factories import BeneficiaryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_donor_claims_a_need_pays_for_it_and_sees_it_funded(
    live_server, stripe_js, page, verifier, second_verifier
):
    # given a vetted need of a verified beneficiary
    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", verified_by=verifier)
    need = need_post(actor=verifier, beneficiary=beneficiary, title="轮椅一台", kind="mobility",
                     amount=Money("800", "CNY"))  # fmt: skip
    need_vet(actor=second_verifier, need=need, note="入户核实")

    # when a visitor claims it on the board at phone width
    page.goto(f"{live_server.url}/payments/needs/")
    item = page.locator(f'li[data-need="{need.pk}"]')
    item.locator("input[name=donor_alias]").fill("长沙的一位老师")
    item.locator("button[type=submit]").click()

    # then it is held for them while they pay on the payment page
    page.wait_for_url(f"**/payments/needs/{need.pk}/pay/")
    assert Need.objects.get(pk=need.pk).status == NeedStatus.MATCHED
    assert page.locator("#donate-amount").input_value() == "800.00"
    # with the spam trap out of people's sight (still in the page for bots) and no sideways scroll
    trap = page.locator("input[name=website]")
    box = trap.bounding_box()
    assert trap.count() == 1 and (box is None or box["x"] + box["width"] <= 0), box
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/fixb-needpay-zh.png", full_page=True)
    page.fill("#donate-email", "teacher@example.cn")
    fill_card(page)
    press_give(page, "捐赠 ¥800")

    # then the gift is received and funds the need, linked to its capture entry in the ledger
    donation = Donation.objects.get()
    assert (donation.status, donation.amount_minor) == (DonationStatus.SUCCEEDED, 80_000)
    need.refresh_from_db()
    assert (need.status, need.funded_by_gift_id) == (NeedStatus.FUNDED, donation.pk)
    entry = LedgerEntry.objects.get(key=f"donation:{donation.pk}:captured")
    page.goto(f"{live_server.url}/payments/needs/{need.pk}/")
    funded = page.locator('li[data-stage="funded"]')
    assert f"第 {entry.pk} 号分录" in funded.inner_text()
