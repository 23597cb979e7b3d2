"""Public notice before a release (ADR 0104): on by default for 24 hours, shown on the campaign page
with its objection link; no approval before it ends."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from payments.models import Release, ReleaseStatus
from payments.releases.exceptions import ReleaseNotAllowed
from payments.releases.services import release_approve
from tests.builders import verified_milestone
from tests.verification.factories import BeneficiaryFactory, captured_donation


@pytest.fixture
def noticed_release(db, verifier):
    """A verified surgery whose ¥3,000 release is requested under the site's default notice."""
    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", verified_by=verifier)
    captured_donation(beneficiary.campaign, 500_000)
    milestone = verified_milestone(
        beneficiary=beneficiary, verifier=verifier, notice=django_settings.RELEASE_NOTICE_PERIOD
    )
    return milestone.release


def test_the_default_notice_is_24_hours_and_no_one_approves_before_it_ends(noticed_release, finance_officer):
    release = noticed_release
    assert timedelta(hours=24) == django_settings.RELEASE_NOTICE_PERIOD

    # when a finance officer approves an hour after the request
    with pytest.raises(ReleaseNotAllowed, match="public notice period ends"):
        release_approve(release=release, actor=finance_officer, now=timezone.now() + timedelta(hours=1))

    # then nothing is approved; once the notice has ended the approval goes ahead
    release.refresh_from_db()
    assert (release.status, release.approved_by) == (ReleaseStatus.REQUESTED, None)
    release_approve(release=release, actor=finance_officer, now=release.notice_ends_at + timedelta(seconds=1))
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.APPROVED


def test_the_campaign_page_shows_the_release_in_notice_with_its_objection_link(client, noticed_release):
    from django.utils.timezone import localtime

    # given the campaign's page on the default site
    from wagtail.models import Page, Site

    from tests.cms_factories import CampaignIndexPageFactory, CampaignPageFactory, HomePageFactory

    home = HomePageFactory(parent=Page.get_first_root_node())
    site = Site.objects.get(is_default_site=True)
    welcome, site.root_page = site.root_page, home
    site.save()
    if welcome.pk != home.pk:
        welcome.delete()
    page = CampaignPageFactory(
        parent=CampaignIndexPageFactory(parent=home), campaign=noticed_release.campaign
    )

    # when anyone opens it
    html = client.get(page.url, follow=True).content.decode()

    # then the release awaiting approval is listed, with when its notice ends and where to object
    until = localtime(noticed_release.notice_ends_at).strftime("%Y-%m-%d %H:%M")
    assert "待批准的拨付" in html  # the page is in the site's language
    assert f"公示至 {until}" in html
    assert reverse("payments:release_object", kwargs={"pk": noticed_release.pk}) in html


def test_the_admin_releases_list_shows_when_the_notice_ends_in_site_time(
    client, noticed_release, finance_officer
):
    client.force_login(finance_officer)
    html = client.get("/admin/releases/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    # the end of the notice, 24 hours ahead, as a date and clock in the site's zone, in the admin's
    # one Chinese format: not "just now"
    ends = timezone.localtime(noticed_release.notice_ends_at)
    assert f"{ends.year}年{ends.month}月{ends.day}日 {ends:%H:%M}" in html
    assert "刚刚" not in html
