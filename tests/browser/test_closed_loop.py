"""Issue 12's "Done means", end to end at phone width (390 px), in one headless Chromium against
one live server: a donor gives on the campaign page through localstripe's Stripe.js stand-in; the
partner hospital reports the outcome of its case with evidence (its "Our cases" screens); a
verifier, another person, verifies it; the public notice runs (24 hours, the site's default) and a
finance officer who did not verify approves the release once it has ended, then records the bank
transfer; the donor gets the mail in their language with the link to their page and, following
it, sees the whole path of the gift.

Driven by the browser: the gift (campaign page, card field, both presses of the button), the
partner's upload and report, the verifier's verification, the finance officer's approval (refused
during the notice, accepted after) and payout, and the donor following the mailed link to their
page. Set up on the server: the demo site (campaign page, partner, staff), a verified beneficiary
and the case planned for the hospital (the verifier's earlier work), and the clock moved past the
notice (``django.utils.timezone.now``, which the release rules read: the notice is not shortened).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from campaigns.models import Campaign, Milestone, MilestoneKind, MilestoneStatus, Partner, PartnerKind
from campaigns.money import Money
from campaigns.site_time import site_datetime_text
from campaigns.verification.milestones import milestone_create
from cms.management.commands.demo_campaigns import DEMO_PASSWORD
from payments.ledger.services import balance_of, escrow_account
from payments.models import Donation, DonationStatus
from payments.releases.models import Release, ReleaseStatus
from tests.browser.steps import fill_card, no_horizontal_scroll, press_give, sign_in_to_admin
from tests.builders import partner_member
from tests.verification.factories import BeneficiaryFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PARTNER_PASSWORD = "hospital-pw-1"


@pytest.fixture
def clock(monkeypatch):
    """``clock.advance(delta)``: from then on the site's ``timezone.now`` (the test's and the live
    server's: one process) reads that much later."""

    class Clock:
        offset = timedelta(0)
        real_now = staticmethod(timezone.now)

        def advance(self, delta: timedelta) -> None:
            self.offset += delta
            monkeypatch.setattr(timezone, "now", lambda: Clock.real_now() + self.offset)

    return Clock()


def test_a_gift_reported_verified_released_after_notice_paid_and_told_to_the_donor(
    demo_site, live_server, stripe_js, settings, new_page, mailoutbox, clock
):
    site = live_server.url
    settings.SITE_URL = site  # the mailed links lead to this server
    settings.PRIVATE_STORAGE_ROOT = settings.MEDIA_ROOT
    assert timedelta(hours=24) == settings.RELEASE_NOTICE_PERIOD  # the site's default notice

    # given the cataract campaign, its partner hospital with a member, the demo's verifier and
    # finance officer, and a verified beneficiary whose surgery is planned at the hospital
    campaign = Campaign.objects.get(slug="cataract-surgery")
    partner = Partner.objects.get(kind=PartnerKind.HOSPITAL)
    hospital = partner_member(partner, username="hospital-e2e")
    hospital.set_password(PARTNER_PASSWORD)
    hospital.is_staff = True
    hospital.save()
    beneficiary = BeneficiaryFactory(campaign=campaign, pseudonym="盘奶奶", pseudonym_en="Granny Pan")
    milestone = milestone_create(actor=beneficiary.verified_by, beneficiary=beneficiary,
                                 kind=MilestoneKind.SURGERY_PERFORMED, amount=Money("3000", "CNY"),
                                 partner=partner, due_date=date.today() + timedelta(days=14))  # fmt: skip

    # when a donor gives one surgery on the English campaign page, on a phone
    donor = new_page(extra_http_headers={"Accept-Language": "en"})
    donor.goto(site + "/en/campaigns/cataract-surgery/")
    donor.fill("#donate-amount", "3000")
    donor.fill("#donate-email", "lin.mei@example.com")
    fill_card(donor)
    press_give(donor, "Give ¥3,000")
    gift = Donation.objects.get(donor__email="lin.mei@example.com")
    assert (gift.status, gift.language) == (DonationStatus.SUCCEEDED, "en")
    assert balance_of(escrow_account(campaign)) == Money("3000", "CNY")

    # and the hospital uploads the discharge note for its case and reports the outcome
    partner_phone = new_page()
    sign_in_to_admin(partner_phone, site, "hospital-e2e", PARTNER_PASSWORD)
    partner_phone.goto(site + reverse("partner_cases"))
    partner_phone.get_by_test_id("partner-cases").get_by_role("link").first.click()
    partner_phone.set_input_files("input[name=file]", files=[{"name": "discharge.pdf",
                                  "mimeType": "application/pdf", "buffer": b"%PDF-1.4 discharge note"}])  # fmt: skip
    partner_phone.fill("input[name=summary]", "Discharge note")
    partner_phone.locator("button[name=upload]").click()
    expect(partner_phone.get_by_text("Discharge note")).to_be_visible()  # listed under the case
    partner_phone.locator("button[name=report]").click()
    with translation.override(settings.LANGUAGE_CODE):
        reported = str(MilestoneStatus.REPORTED.label)
    expect(partner_phone.get_by_test_id("case-status")).to_have_text(reported)
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.REPORTED

    # and the verifier, another person, verifies it on their phone: a release is requested with
    # the public notice running
    verifier_phone = new_page()
    sign_in_to_admin(verifier_phone, site, "verifier", DEMO_PASSWORD)
    verifier_phone.goto(site + reverse("verification_milestone_verify", args=[milestone.pk]))
    verifier_phone.fill("textarea[name=note]", "Saw the patient after surgery")
    verifier_phone.locator("button[name=verify]").click()
    verifier_phone.wait_for_load_state()
    release = Release.objects.get(milestone=milestone)
    assert release.status == ReleaseStatus.REQUESTED
    assert release.notice_ends_at - timezone.now() > timedelta(hours=23)

    # and the finance officer presses approve during the notice: refused, nothing moves
    finance_phone = new_page()
    sign_in_to_admin(finance_phone, site, "finance", DEMO_PASSWORD)
    finance_phone.goto(site + reverse("release_detail", args=[release.pk]))
    finance_phone.locator("button[name=approve]").click()
    with translation.override(settings.LANGUAGE_CODE):  # the staff's screens: the site's language
        refusal = gettext(
            "The public notice period ends %(when)s; the release can be approved after that."
        ) % {"when": site_datetime_text(release.notice_ends_at)}
    assert refusal in finance_phone.get_by_role("alert").inner_text()
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.REQUESTED

    # when the notice has run its 24 hours, they approve it and record the bank transfer
    clock.advance(timedelta(hours=24, minutes=1))
    finance_phone.goto(site + reverse("release_detail", args=[release.pk]))
    finance_phone.locator("button[name=approve]").click()
    finance_phone.fill("input[name=reference]", "ICBC-E2E-0001")
    finance_phone.set_input_files("input[name=proof]", files=[{"name": "slip.pdf",
                                  "mimeType": "application/pdf", "buffer": b"%PDF-1.4 bank slip"}])  # fmt: skip
    finance_phone.locator("button[name=pay]").click()
    finance_phone.wait_for_load_state()

    # then the release is paid to the hospital, approved by someone other than the verifier
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PAID
    assert release.approved_by.username == "finance" != release.milestone.verified_by.username
    assert balance_of(escrow_account(campaign)) == Money("0", "CNY")

    # and the donor got the news in English, with the link to their page
    paid_mail = [m for m in mailoutbox if m.to == ["lin.mei@example.com"] and "Granny Pan" in m.body]
    assert paid_mail, [m.subject for m in mailoutbox]
    news = next(m for m in paid_mail if "was paid to" in m.body)
    assert f"of your gift to Cataract surgery programme was paid to {partner.name_en}" in news.body
    link = re.search(rf"{re.escape(site)}/en/payments/donor/\S+/", news.body).group(0)

    # when they follow it, on their phone
    donor.goto(link)

    # then their page shows the whole path of the gift: gift → escrow → release → paid to the
    # hospital → the verified outcome of the pseudonymous beneficiary, nothing still held
    assert donor.get_by_role("heading", level=1).inner_text() == "Your gifts"
    shown = donor.locator(f"#gift-{gift.public_id}")
    steps = shown.locator(".trace-flow > li").evaluate_all("els => els.map(e => e.dataset.step)")
    assert steps == ["gift", "escrow", "release"]
    line = shown.get_by_test_id("trace-line").inner_text()
    assert partner.name_en in line and "Granny Pan" in line and "Verifier" in line
    with translation.override("en"):
        assert str(MilestoneKind.SURGERY_PERFORMED.label) in line
    assert shown.get_by_test_id("trace-paid").inner_text() == "¥3,000"
    assert shown.get_by_test_id("trace-held").inner_text() == "¥0"
    assert no_horizontal_scroll(donor)
    body = donor.content()
    person = beneficiary.registry_person
    assert person.id_number not in body and person.phone not in body
