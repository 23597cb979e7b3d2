"""A donor opens the trace of their gift before and after a release, at phone width."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from campaigns.models import MilestoneKind
from payments.releases.services import release_approve
from tests.builders import verified_milestone
from tests.verification.factories import BeneficiaryFactory, captured_donation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(new_page):
    return new_page(has_touch=False, locale="en-GB", extra_http_headers={"Accept-Language": "en"})


def test_trace_page_shows_the_gift_reaching_a_verified_surgery(live_server, page, verifier, finance_officer):
    # given a ¥3,000 gift held in escrow for a cataract campaign with a verified beneficiary
    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", verified_by=verifier)
    gift = captured_donation(beneficiary.campaign, 300_000)
    url = f"{live_server.url}/payments/trace/{gift.public_id}/"
    page.goto(url)
    assert page.get_by_test_id("trace-held").inner_text() == "¥3,000"
    assert page.get_by_test_id("trace-line").count() == 0

    # when the surgery is verified and a second person, a finance officer, approves the release
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier)
    release_approve(release=milestone.release, actor=finance_officer)

    # then reloading the trace shows every cent approved for the hospital, not yet paid
    page.goto(url)
    assert page.get_by_test_id("trace-held").inner_text() == "¥0"
    assert page.get_by_test_id("trace-approved_unpaid").inner_text() == "¥3,000"
    assert page.get_by_test_id("trace-paid").inner_text() == "¥0"
    line = page.get_by_test_id("trace-line").inner_text()
    assert milestone.partner.name in line
    assert "盘奶奶" in line
    # payments/ URLs are served in the site's default language: compare with its labels
    with translation.override(settings.LANGUAGE_CODE):
        assert str(MilestoneKind.SURGERY_PERFORMED.label) in line
        assert gettext("Verifier") in line
    assert "Discharge note from the hospital" in line
    # and nothing restricted is on the page
    person = beneficiary.registry_person
    body = page.content()
    assert person.id_number not in body and person.phone not in body and person.household.village not in body
