"""Pages reached by a secret link: their URL never becomes another origin's referrer, and their own
forms still pass the CSRF check (ADR 0215). The browser side is tests/browser/test_donor_page.py."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from payments.donations.donor_links import donor_page_url
from payments.models import MonthlyPlan, MonthlyPlanStatus
from tests.builders import gift

APPS = ("campaigns", "cms", "config", "payments", "reports", "templates", "static")


def test_no_page_sends_no_referrer_which_makes_chromium_post_origin_null():
    # given every source file and template of the site (not the tests, not the virtualenv)
    root = Path(settings.BASE_DIR)
    files = [
        p for app in APPS for p in (root / app).rglob("*") if p.suffix in {".py", ".html", ".js", ".txt"}
    ]
    assert len(files) > 100

    # then none asks for "no-referrer": with it Chromium sends "Origin: null" on the page's own
    # form posts and Django's CSRF check answers 403 (use PRIVATE_PAGE_REFERRER_POLICY)
    offenders = [str(p.relative_to(root)) for p in files if "no-referrer" in p.read_text(errors="replace")]
    assert offenders == []


@pytest.mark.django_db
def test_the_donor_page_keeps_its_url_to_this_site_and_out_of_caches(client, campaign):
    # given a donor's gift
    donation = gift(campaign, 8_800, email="me@example.cn")

    # when they open their page by the receipt's link
    response = client.get(donor_page_url(donation.donor, absolute=False))

    # then its URL is sent as referrer to this site only, and no cache keeps the page
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_page_holding_the_stop_form_lets_the_browser_send_this_sites_origin_so_the_post_passes(campaign):
    # given a running monthly gift and a client that enforces CSRF as a browser meets it
    first = gift(campaign, 5_000, email="zhao.lei@example.cn", frequency="monthly")
    plan = MonthlyPlan.objects.get(donor=first.donor)
    browser = Client(enforce_csrf_checks=True)
    url = donor_page_url(first.donor, absolute=False)

    # when the donor opens the page that holds the stop form
    response = browser.get(url)

    # then its policy is "same-origin": Chromium sends this site's Origin on the page's own form
    # posts (under "no-referrer" it sends "Origin: null" and Django's CSRF check answers 403)
    assert response["Referrer-Policy"] == "same-origin"
    page = response.content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    cancel = f"{url}monthly/{plan.pk}/cancel/"

    # and a post with "Origin: null" is refused and the plan runs on
    refused = browser.post(cancel, {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")
    assert refused.status_code == 403
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.ACTIVE

    # while the post with this site's origin (what "same-origin" lets the browser send) stops it
    accepted = browser.post(cancel, {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://testserver")
    assert accepted.status_code == 302
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.CANCELLED
