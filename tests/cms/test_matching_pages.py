"""Matching on the public pages (ADR 0227): the campaign page says what is left to match and
until when, the trace says who matched the gift, the matcher's page and the showcase show what it
matched, the transparency page counts it; finance records and confirms pay-ins in the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.ledger.services import balance_of
from payments.matching.models import PayInStatus, PoolPayIn
from payments.matching.services import pool_account
from tests import builders
from tests.payments.conftest import cny
from tests.payments.matching_helpers import officer, pool

pytestmark = pytest.mark.django_db


def _gift(page, minor, capture, email="li.na@example.cn"):
    with capture(execute=True):
        return builders.gift(page.campaign, minor, email=email)


def test_campaign_page_shows_what_is_left_to_match_and_the_matched_figure(client, page,
                                                                         django_capture_on_commit_callbacks):  # fmt: skip
    # given a ¥1,000 1:1 pool on the campaign, and a ¥300 gift matched
    p = pool([page.campaign], cap=100_000, ends=timezone.now() + timedelta(days=2))
    _gift(page, 30_000, django_capture_on_commit_callbacks)

    # when the page is read in English
    html = client.get(page.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    # then it says who matches, what is left (¥700) and the matched figure
    assert 'data-testid="match-offers"' in html
    assert p.matcher.name in html or p.matcher.name_en in html
    assert "¥700" in html
    assert 'data-figure="matched"' in html and "¥300" in html

    # and once the pool is used up, it says so rather than a sum
    _gift(page, 70_000, django_capture_on_commit_callbacks, email="wang.fang@example.cn")
    html = client.get(page.url).content.decode()
    assert balance_of(pool_account(p)) == cny(0)
    assert "¥700 " not in html


def test_a_campaign_without_a_pool_shows_no_offer(client, page):
    assert 'data-testid="match-offers"' not in client.get(page.url).content.decode()


def test_trace_says_who_matched_the_gift(client, page, django_capture_on_commit_callbacks):
    # given a ¥300 gift matched 1:1
    p = pool([page.campaign], cap=100_000)
    gift = _gift(page, 30_000, django_capture_on_commit_callbacks)

    # when its public trace is read
    html = client.get(f"/payments/trace/{gift.public_id}/").content.decode()

    # then one step says it was matched ¥300 by the matcher, with a link to its page
    assert 'data-step="match"' in html
    assert p.matcher.name in html
    assert f"/matchers/{p.matcher.slug}/" in html


def test_matcher_page_and_showcase_show_paid_in_unpaid_and_matched(
    client, page, django_capture_on_commit_callbacks
):
    # given a ¥1,000 pledge of which ¥400 is paid in, and a ¥300 gift matched
    p = pool([page.campaign], cap=100_000, paid_in=40_000)
    _gift(page, 30_000, django_capture_on_commit_callbacks)

    # when the matcher's page and the showcase are read
    html = client.get(f"/payments/matchers/{p.matcher.slug}/").content.decode()
    listing = client.get("/payments/matchers/").content.decode()

    # then the page shows paid in ¥400, ¥600 not paid in yet, ¥300 matched, and the campaign
    assert 'data-testid="paid-in">¥400' in html
    assert 'data-testid="unpaid">¥600' in html
    assert 'data-figure="matched">¥300' in html
    assert page.campaign.title in html
    assert p.matcher.name in listing and "¥300" in listing
    # and an unknown matcher is a 404, not an error
    assert client.get("/payments/matchers/no-such-company/").status_code == 404


def test_transparency_counts_matched(client, page, django_capture_on_commit_callbacks):
    pool([page.campaign], cap=100_000)
    _gift(page, 30_000, django_capture_on_commit_callbacks)
    html = client.get("/payments/transparency/").content.decode()
    assert '<td data-figure="matched" ' in html
    assert "¥300" in html


def test_finance_records_then_another_officer_confirms_a_pay_in_in_the_admin(client, page):
    # given a pledge with nothing paid in
    p = pool([page.campaign], cap=100_000, paid_in=0)
    url = f"/admin/matching/pools/{p.pk}/money/"

    # when one officer records ¥500 and tries to confirm it themselves
    client.force_login(officer("finance-a"))
    assert client.post(url, {"record": "1", "amount": "500", "method": "bank_transfer",
                             "reference": "ICBC-20261201-1"}).status_code == 302  # fmt: skip
    pay_in = PoolPayIn.objects.get()
    refused = client.post(url, {"confirm": "1", "pay_in": pay_in.pk})
    assert refused.status_code == 200 and "help-critical" in refused.content.decode()
    assert balance_of(pool_account(p)) == cny(0)
    # and a bad amount is a message, not an error page
    bad = client.post(url, {"record": "1", "amount": "abc", "method": "bank_transfer", "reference": "X"})
    assert bad.status_code == 200

    # then a second officer confirms it and the pool holds ¥500
    client.force_login(officer("finance-b"))
    assert client.post(url, {"confirm": "1", "pay_in": pay_in.pk}).status_code == 302
    pay_in.refresh_from_db()
    assert pay_in.status == PayInStatus.CONFIRMED
    assert balance_of(pool_account(p)) == cny(500)


def test_the_pool_money_screen_is_for_finance_only(client, page, editor):
    p = pool([page.campaign], cap=100_000, paid_in=0)
    client.force_login(editor)
    assert client.get(f"/admin/matching/pools/{p.pk}/money/").status_code in (302, 403)


def test_finance_creates_a_pool_in_the_admin_with_amounts_in_yuan(client, page):
    from payments.matching.models import Matcher, MatchPool

    # given a matcher and a finance officer in the admin
    matcher = Matcher.objects.create(name="湘江建材", slug="xiangjiang")
    client.force_login(officer("finance-a"))
    form = {"matcher": matcher.pk, "title": "九九公益日", "title_en": "", "currency": "CNY", "ratio": "1",
            "cap": "￥20,000", "per_donor_cap": "2000", "starts_at": "2026-12-01 00:00",
            "ends_at": "2026-12-10 00:00", "campaigns": [page.campaign.pk]}  # fmt: skip

    # when a negative ratio is sent, then the form is shown again with nothing saved
    refused = client.post("/admin/match_pools/new/", {**form, "ratio": "-1"})
    assert refused.status_code == 200 and not MatchPool.objects.exists()

    # and a good form saves the caps in minor units and the window in the site's time zone
    assert client.post("/admin/match_pools/new/", form).status_code == 302
    pool = MatchPool.objects.get()
    assert (pool.cap_minor, pool.per_donor_cap_minor) == (2_000_000, 200_000)
    assert pool.starts_at.isoformat() == "2026-11-30T16:00:00+00:00"  # midnight in Asia/Shanghai
    assert list(pool.campaigns.all()) == [page.campaign]


def test_the_pool_list_shows_its_window_as_moments_and_its_ratio_as_on_every_other_screen(client, page):
    # given an open pool whose window ends in three weeks (the new-user check saw "刚刚", just now)
    p = pool([page.campaign], cap=100_000, paid_in=40_000)
    p.ends_at = timezone.now() + timedelta(days=21)
    p.save(update_fields=["ends_at"])
    client.force_login(officer("finance-list"))

    # when finance reads the pools list in the Chinese admin
    html = client.get("/admin/match_pools/").content.decode()

    # then the end is a date in the site's zone and format, and the ratio reads 1:1
    from campaigns.site_time import site_datetime_text

    assert "刚刚" not in html
    assert site_datetime_text(p.ends_at) in html
    assert ">1:1<" in html.replace(" ", "").replace("\n", "")


def test_an_offer_and_the_matchers_page_show_the_window_as_every_public_moment_in_the_site_zone(client, page):
    # given a pool whose window ends at 16:15 site time in three days
    from datetime import datetime, time

    from campaigns.site_time import site_moment_text, site_today, site_zone

    ends = datetime.combine(site_today() + timedelta(days=3), time(16, 15), tzinfo=site_zone())
    p = pool([page.campaign], cap=100_000, ends=ends)

    # when the campaign page and the matcher's page are read in English
    html = client.get("/en" + page.url).content.decode()
    matcher = client.get(f"/en/payments/matchers/{p.matcher.slug}/").content.decode()

    # then the window reads as the page's other moments: date, 24-hour clock and the zone, one stop
    assert f"left to match until {ends.date():%Y-%m-%d} 16:15 (UTC+8)." in html
    assert "p.m." not in html and ".." not in html.split("left to match until", 1)[1].split("</p>", 1)[0]
    assert site_moment_text(p.ends_at) in matcher and "p.m." not in matcher
    # and the campaign's deadline, a date, is written as the moments' dates are (not "May 1, 2027")
    deadline = page.campaign.deadline
    assert f'<time datetime="{deadline:%Y-%m-%d}">{deadline:%Y-%m-%d}</time>' in html
