"""The donor's side of a gift (issue 12): the thank-you page, the donor's page with the trace of
each gift, and the refusals: another donor's gift, a forged link, a thank-you without its session."""

import uuid

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import MilestoneKind
from payments.donations.donor_links import donor_page_url, donor_token
from payments.donations.intake import SESSION_KEY
from payments.models import MonthlyPlan, MonthlyPlanStatus
from tests.builders import gift, paid_release
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory, RegistryPersonFactory

pytestmark = pytest.mark.django_db


def _thanks_url(donation) -> str:
    return reverse("payments:donation_thanks", kwargs={"public_id": donation.public_id})


def _in_session(client: Client, donation) -> Client:
    """The browser that started ``donation`` (the donation flow remembers it in the session)."""
    session = client.session
    session[SESSION_KEY] = [str(donation.public_id)]
    session.save()
    return client


def test_thank_you_links_the_trace_of_this_gift_the_campaign_and_a_link_to_share(client, campaign):
    # given a ¥300 gift made in this browser, to a campaign with no CMS page live yet
    donation = gift(campaign, 30_000, email="wang.fang@example.cn")

    # when the donor lands on the thank-you page
    response = _in_session(client, donation).get(_thanks_url(donation))

    # then it links the trace of this gift, the campaign, and offers the campaign's link to share
    html = response.content.decode()
    trace = reverse("payments:gift_trace", kwargs={"public_id": donation.public_id})
    campaign_path = reverse("payments:donate_page", kwargs={"slug": campaign.slug})
    assert response.status_code == 200
    assert f'href="{trace}" data-testid="trace-link"' in html
    assert f'href="{campaign_path}" data-testid="campaign-link"' in html
    assert f'data-share-url="http://testserver{campaign_path}"' in html
    assert 'src="/static/js/share.js"' in html
    # and never the donor's own page: anyone may type someone else's email into the gift form
    assert donor_token(donation.donor) not in html and "/payments/donor/" not in html
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"


def test_thank_you_opened_without_the_gifts_session_is_friendly_and_shows_nothing_of_it(campaign):
    # given a gift made in one browser
    donation = gift(campaign, 30_000, email="wang.fang@example.cn")

    # when its thank-you link is opened in another browser, and a made-up one too
    elsewhere = Client().get(_thanks_url(donation))
    unknown = str(uuid.uuid4())
    made_up = Client().get(reverse("payments:donation_thanks", kwargs={"public_id": unknown}))

    # then both answer the same friendly page, pointing to the receipt mail's private link
    assert (elsewhere.status_code, made_up.status_code) == (200, 200)
    html = elsewhere.content.decode()
    assert 'data-testid="thanks-elsewhere"' in html
    assert "收据" in html  # "receipt": where to find the gift
    # (the same page but for the id in its own URL, which the language links repeat)
    same = made_up.content.decode().replace(unknown, str(donation.public_id))
    assert html == same
    # and nothing of the gift: not its amount, campaign, donor, or a link to its trace
    for secret in ("¥300", campaign.title, "wang.fang", "/payments/trace/"):
        assert secret not in html


def test_the_thank_you_page_has_one_title_right_after_giving_and_when_revisited(client, campaign):
    # given a gift
    donation = gift(campaign, 30_000, email="wang.fang@example.cn")

    # when the thank-you page is shown right after paying, and its link opened again elsewhere
    for prefix, title in (("", "感谢您的捐赠"), ("/en", "Thank you for giving")):
        url = prefix + _thanks_url(donation)
        just_paid = _in_session(Client(), donation).get(url).content.decode()
        revisited = Client().get(url).content.decode()

        # then both carry the same <title>
        titles = [html.split("<title>", 1)[1].split("</title>", 1)[0] for html in (just_paid, revisited)]
        assert titles[0] == titles[1], titles
        assert titles[0].startswith(title), titles


@pytest.fixture
def paid_gift(campaign, verifier, finance_officer):
    """A ¥3,000 gift paid in full to a hospital for a surgery verified by Wei Li, a verifier."""
    verifier.first_name, verifier.last_name = "Wei", "Li"
    verifier.save()
    person = RegistryPersonFactory(name="盘秀英", phone="13912345678")
    beneficiary = BeneficiaryFactory(
        campaign=campaign, registry_person=person, pseudonym="盘奶奶", verified_by=verifier
    )
    donation = gift(campaign, 300_000, email="chen.jing@example.cn")
    release = paid_release(
        beneficiary=beneficiary,
        partner=PartnerFactory(name="江华县人民医院"),
        verifier=verifier,
        finance_officer=finance_officer,
    )
    return {"gift": donation, "release": release, "person": person}


def test_donor_page_shows_each_gift_from_escrow_to_the_verified_outcome(client, campaign, paid_gift):
    # given a gift paid to a hospital, and a second gift of the same donor still held
    held = gift(campaign, 5_000, email="chen.jing@example.cn")
    release = paid_gift["release"]
    # whose public names have their English twins (ADR 0403)
    milestone = release.milestone
    type(release.partner).objects.filter(pk=release.partner_id).update(name_en="Jianghua County Hospital")
    type(milestone.beneficiary).objects.filter(pk=milestone.beneficiary_id).update(pseudonym_en="Grandma Pan")
    milestone.evidence.update(summary_en=F("summary"))

    # when the donor opens their page (in English)
    with_english = client.get(
        donor_page_url(held.donor, absolute=False).replace("/payments/", "/en/payments/", 1)
    )

    # then each gift has its path: gift, escrow, and for the paid one the release, the hospital
    # and the verified surgery with the pseudonym, evidence date, and who verified it
    html = with_english.content.decode()
    paid_html, held_html = (html.split(f'id="gift-{g.public_id}"', 1)[1].split("</article>", 1)[0]
                            for g in (paid_gift["gift"], held))  # fmt: skip
    day = release.paid_at.astimezone(campaign_tz()).strftime("%Y-%m-%d")
    assert 'data-step="gift"' in paid_html and 'data-step="escrow"' in paid_html
    assert 'data-testid="trace-held">¥0<' in paid_html
    assert 'data-testid="trace-paid">¥3,000<' in paid_html
    assert "to Jianghua County Hospital" in paid_html and "江华" not in paid_html
    assert "Grandma Pan" in paid_html and str(MilestoneKind.SURGERY_PERFORMED.label) in paid_html
    assert f"verified {day} by Wei Li, Verifier" in paid_html
    assert f"Evidence: Discharge note from the hospital (dated {day})" in paid_html
    assert f"paid {day}" in paid_html
    # the gift still held says so, in the money vocabulary, and has no release
    assert 'data-testid="trace-held">¥50<' in held_html
    assert "Still held: paid out only for a verified outcome" in held_html
    assert 'data-testid="trace-line"' not in held_html
    # each gift has its receipt, numbered as the mailed one
    assert f'data-testid="receipt-number">{held.receipt_number}<' in held_html
    # and nothing restricted about the beneficiary
    person = paid_gift["person"]
    for restricted in (person.id_number, person.phone, person.name, person.household.village):
        assert restricted not in html


def campaign_tz():
    from django.utils import timezone

    return timezone.get_default_timezone()


def _queries_of(client: Client, url: str) -> int:
    """Reads of the page's own data (the site's header and settings are cached per process)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    return len([s for s in sql if "wagtailcore_" not in s and "cms_" not in s])


def test_the_donor_pages_cost_does_not_grow_with_the_campaign_or_the_donors_gifts(
    client, campaign, paid_gift
):
    # given the donor's page with one paid gift
    url = donor_page_url(paid_gift["gift"].donor, absolute=False)
    before = _queries_of(client, url)

    # when the campaign receives other donors' gifts, and this donor gives twice more
    for n in range(3):
        gift(campaign, 10_000, email=f"other{n}@example.cn")
    for _ in range(2):
        gift(campaign, 10_000, email="chen.jing@example.cn")

    # then their page reads the same number of queries
    assert _queries_of(client, url) == before


def test_another_donors_link_shows_nothing_of_this_donors_gift_and_cannot_stop_it(client, campaign):
    # given two donors, one with a monthly gift
    mine = gift(campaign, 8_800, email="me@example.cn")
    theirs = gift(campaign, 9_900, email="other@example.cn", frequency="monthly")
    plan = MonthlyPlan.objects.get(donor=theirs.donor)
    my_url = donor_page_url(mine.donor, absolute=False)

    # when I open my page, and post "stop" for their plan under my link
    html = client.get(my_url).content.decode()
    stop = client.post(f"{my_url}monthly/{plan.pk}/cancel/")

    # then my page shows nothing of their gift, and their plan runs on
    assert "¥88" in html
    assert "¥99" not in html and str(theirs.public_id) not in html and "other@example.cn" not in html
    assert stop.status_code == 404
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.ACTIVE


def test_a_forged_donor_link_shows_nothing_and_stops_nothing(client, campaign):
    # given a donor with a monthly gift, and a link whose signature was tampered with
    theirs = gift(campaign, 9_900, email="other@example.cn", frequency="monthly")
    plan = MonthlyPlan.objects.get(donor=theirs.donor)
    token = donor_token(theirs.donor)
    forged = f"/payments/donor/{token[:-4]}abcd/"

    # when someone opens it and posts "stop" under it
    page = client.get(forged)
    stop = client.post(f"{forged}monthly/{plan.pk}/cancel/")

    # then both are 404 and say nothing of the gift; the plan runs on
    assert (page.status_code, stop.status_code) == (404, 404)
    assert "¥99" not in page.content.decode() and str(theirs.public_id) not in page.content.decode()
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.ACTIVE
