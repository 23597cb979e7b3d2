"""``manage.py demo_campaigns``: the three flagship campaigns, live through the real workflow; idempotent."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from wagtail.images.models import Image
from wagtail.models import Page, Revision, Site

from campaigns.models import AuditEvent, Campaign, CampaignStatus, Partner
from cms.models import CampaignPage, HomePage

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "pages": sorted(Page.objects.values_list("url_path", "live", "locale__language_code")),
        "campaigns": sorted(Campaign.objects.values_list("slug", "status", "goal_minor", "updated_at")),
        "audit": AuditEvent.objects.count(),
        "revisions": Revision.objects.count(),
        "users": sorted(User.objects.values_list("username", "password")),
        "partners": Partner.objects.count(),
        "images": Image.objects.count(),
    }


def test_demo_campaigns_creates_the_flagships_live_and_changes_nothing_the_second_time(client):
    call_command("demo_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = snapshot()

    call_command("demo_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert snapshot() == first
    campaigns = {c.slug: c for c in Campaign.objects.all()}
    assert set(campaigns) == {"cataract-surgery", "tuition-aid", "entrepreneur-leaders"}
    assert {c.status for c in campaigns.values()} == {CampaignStatus.LIVE}
    assert (campaigns["cataract-surgery"].unit_cost_minor, campaigns["cataract-surgery"].funding_model) == (
        300_000,
        "keep",
    )
    assert campaigns["tuition-aid"].unit_cost_minor == 250_000
    assert campaigns["entrepreneur-leaders"].funding_model == "all_or_nothing"
    assert Partner.objects.count() == 4
    # the audit trail is the real one: the editor submitted, the verifier approved
    live = AuditEvent.objects.filter(action="campaign.live")
    assert sorted(live.values_list("actor__username", flat=True)) == ["verifier"] * 3
    assert AuditEvent.objects.filter(action="campaign.in_review", actor__username="editor").count() == 3
    # staff accounts are in their groups
    assert {u.username: [g.name for g in u.groups.all()] for u in User.objects.all()} == {
        "editor": ["Editors"], "verifier": ["Verifiers"], "finance": ["Finance officers"],
    }  # fmt: skip
    assert User.objects.get(username="editor").check_password("clearfund-demo")
    # the welcome page is gone; the site root is the zh-hans home, with an English translation
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(slug="home", depth=2).exists()
    assert CampaignPage.objects.filter(locale__language_code="en", live=True).count() == 3

    assert client.get("/").status_code == 200
    english = client.get("/en/campaigns/cataract-surgery/")
    assert english.status_code == 200
    assert "one cataract surgery = ¥3,000" in english.content.decode()
    assert "白内障复明手术项目" in client.get("/campaigns/cataract-surgery/").content.decode()
    for path in (
        "/about/",
        "/cataract-results/",
        "/village-doctor/",
        "/campaigns/cataract-surgery/first-surgeries/",
    ):
        assert client.get(path).status_code == 200, path


def test_the_demo_update_states_only_what_the_demo_records_show(client):
    # given the demo's campaigns and its verification data (registry, one verified surgery)
    from campaigns.models import Milestone, MilestoneStatus
    from cms.models import CampaignUpdatePage
    from payments.models import Release

    call_command("demo_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("demo_verification", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then the records show one verified surgery, with a 0.6 follow-up and a ¥3,000 release ...
    surgeries = Milestone.objects.filter(
        beneficiary__campaign__slug="cataract-surgery",
        kind="surgery_performed",
        status=MilestoneStatus.VERIFIED,
    )
    assert [(m.verification_note, str(m.release.amount)) for m in surgeries] == [
        ("术后随访：视力恢复至0.6。", "¥3,000")
    ]
    assert Release.objects.filter(campaign__slug="cataract-surgery").count() == 1
    # ... and the update says exactly that, in both languages: the first patient, 0.6, ¥3,000
    updates = {u.locale.language_code: u for u in CampaignUpdatePage.objects.select_related("locale")}
    zh, en = updates["zh-hans"], updates["en"]
    assert (zh.title, en.title) == ("首位患者完成手术", "First patient operated")
    assert "0.6" in zh.summary and "0.6" in en.summary
    assert "3,000 元" in str(zh.body) and "¥3,000" in str(en.body)
    assert "18" not in zh.title + zh.summary + str(zh.body) + en.title + en.summary + str(en.body)


def test_a_demo_left_with_wagtails_welcome_page_loses_it_on_the_next_load(client, english):
    """Issue 13: a demo whose first load stopped after making the home page kept Wagtail's
    "Welcome to your new Wagtail site!" under the root (the loader removed it only when it made the
    home page), in the page explorer in both languages."""
    # given a demo, and Wagtail's welcome page (a plain Page) under the root, with an English copy
    call_command("demo_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115
    root = Page.get_first_root_node()
    welcome = root.add_child(instance=Page(title="Welcome to your new Wagtail site!", slug="home"))
    welcome.copy_for_translation(english)

    # when the demo is loaded again (twice: removing it is idempotent)
    call_command("demo_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("demo_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then no welcome page is left, and the root's children are the demo's two home pages
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail").exists()
    assert sorted(type(page.specific).__name__ for page in root.get_children()) == ["HomePage", "HomePage"]
    assert Site.objects.get(is_default_site=True).root_page.specific.slug == "clearfund"
    client.force_login(User.objects.create_superuser("root", password="x"))
    explorer = client.get(f"/admin/pages/{root.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Welcome to your new Wagtail site" not in explorer


def test_a_plain_page_someone_put_pages_under_is_kept(english):
    call_command("demo_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115
    root = Page.get_first_root_node()
    folder = root.add_child(instance=Page(title="Archive", slug="archive"))
    folder.add_child(instance=Page(title="Old page", slug="old"))

    call_command("demo_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Page.objects.filter(pk=folder.pk).exists()
