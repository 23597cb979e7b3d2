"""Supporters' pages and teams on the public site (ADR 0234): both languages, share metadata, QR,
the give form posting through the page, hidden pages 404, start and edit for signed-in owners
only, the report form, and queries that do not grow with the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from payments.donor_accounts.services import SESSION_KEY
from payments.supporters.models import SupporterPage, SupporterPageReport, SupporterPageStatus
from payments.supporters.services import page_moderate
from tests.payments.supporter_helpers import donor, give_via, public_page, started_page

pytestmark = pytest.mark.django_db


def _sign_in(client, owner):
    session = client.session
    session[SESSION_KEY] = {"d": owner.pk, "v": owner.link_version}
    session.save()


@pytest.mark.parametrize(("prefix", "words"), [("", "分享这个页面"), ("/en", "Share this page")])
def test_a_public_page_in_both_languages_with_share_metadata_qr_and_the_give_form(
    client, campaign, editor, prefix, words, django_capture_on_commit_callbacks
):
    page = public_page(campaign, editor)
    give_via(page, 30_000, django_capture_on_commit_callbacks)

    response = client.get(f"{prefix}/supporters/{page.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    marked = " (written in Chinese)" if prefix else ""  # the supporter wrote in Chinese only
    assert f'<meta property="og:title" content="周敏为外婆筹款{marked}">' in html
    assert 'property="og:image" content="http' in html and f"/supporters/{page.slug}/preview.png?v=" in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert "¥300" in html and "三千元一台手术。" in html
    assert f"{prefix}/payments/supporters/{page.slug}/give/start/" in html
    assert 'data-testid="share-button"' in html and f"{prefix}/supporters/{page.slug}/qr.svg" in html
    assert words in html
    assert client.get(f"{prefix}/supporters/{page.slug}/qr.svg")["Content-Type"] == "image/svg+xml"


def test_the_preview_image_is_a_png(client, campaign, editor):
    page = public_page(campaign, editor)

    response = client.get(f"/supporters/{page.slug}/preview.png")

    assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("status", [SupporterPageStatus.PENDING, SupporterPageStatus.HIDDEN,
                                    SupporterPageStatus.REJECTED, SupporterPageStatus.CLOSED])  # fmt: skip
def test_a_page_not_public_is_404_with_its_images(client, campaign, editor, status):
    page = started_page(campaign)
    if status == SupporterPageStatus.REJECTED:
        page_moderate(page=page, to=status, actor=editor, reason="no")
    elif status != SupporterPageStatus.PENDING:
        page_moderate(page=page, to=SupporterPageStatus.APPROVED, actor=editor)
        page_moderate(page=page, to=status, actor=editor, reason="reported")

    for suffix in ("", "preview.png", "qr.svg", "report/"):
        assert client.get(f"/supporters/{page.slug}/{suffix}").status_code == 404


def test_team_page_ranks_its_pages_with_a_constant_number_of_queries(
    client, campaign, editor, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # given a team of two pages
    first = public_page(campaign, editor, new_team_name="江华一中校友队")
    second = public_page(campaign, editor, team=first.team)
    give_via(first, 10_000, django_capture_on_commit_callbacks)
    give_via(second, 50_000, django_capture_on_commit_callbacks, email="b@example.cn")
    url = f"/en/teams/{first.team.slug}/"
    client.get(url)  # warm the caches (site header, settings)
    client.get(url)
    two = _queries(client, url)

    # when five more pages join
    for _ in range(5):
        public_page(campaign, editor, team=first.team)
    response = client.get(url)
    client.get(url)

    # then the higher page is first, the total is the sum, and the queries did not grow
    html = response.content.decode()
    assert html.index(second.get_absolute_url()) < html.index(first.get_absolute_url())
    assert "¥600" in html and 'property="og:image"' in html
    # (the team, its ranked pages with their totals, its total: three queries)
    assert _queries(client, url) == two == 3
    assert client.get(f"/teams/{first.team.slug}/preview.png").status_code == 200


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_start_needs_a_signed_in_donor(client, campaign):
    response = client.get(f"/en/supporters/start/{campaign.slug}/")

    assert response.status_code == 200 and 'data-testid="sign-in-link"' in response.content.decode()
    assert client.post(f"/en/supporters/start/{campaign.slug}/", {"title": "x"}).status_code == 200
    assert not SupporterPage.objects.exists()


def test_a_signed_in_donor_starts_a_page_with_a_new_team(client, campaign):
    owner = donor("zhou.min@example.cn")
    _sign_in(client, owner)

    response = client.post(f"/en/supporters/start/{campaign.slug}/", {
        "title": "Zhou Min for grandma", "words": "One surgery is ¥3,000.", "goal": "5000",
        "new_team_name": "Alumni"})  # fmt: skip

    assert response.status_code == 302
    page = SupporterPage.objects.get()
    assert (page.owner, page.status, page.goal_minor, page.team.name, page.team.captain) == (
        owner,
        SupporterPageStatus.PENDING,
        500_000,
        "Alumni",
        owner,
    )
    mine = client.get("/en/supporters/mine/").content.decode()
    assert "Zhou Min for grandma" in mine and "Waiting for approval" in mine


@pytest.mark.parametrize(("goal", "message"), [("0", "more than zero"), ("-5", ""), ("2000000", "at most"),
                                               ("abc", "")])  # fmt: skip
def test_a_bad_goal_is_a_clear_400(client, campaign, goal, message):
    _sign_in(client, donor())

    response = client.post(
        f"/en/supporters/start/{campaign.slug}/", {"title": "t", "words": "w", "goal": goal}
    )

    assert response.status_code == 400 and message in response.content.decode()
    assert not SupporterPage.objects.exists()


def test_only_the_owner_may_edit(client, campaign, editor):
    page = public_page(campaign, editor)
    url = f"/en/supporters/{page.slug}/edit/"

    assert client.get(url).status_code == 404
    _sign_in(client, donor("someone.else@example.cn"))
    assert client.post(url, {"title": "hacked", "words": "w", "goal": "100"}).status_code == 404

    owner_client = Client()
    _sign_in(owner_client, page.owner)
    assert owner_client.post(url, {"title": page.title, "words": page.words, "goal": "0"}).status_code == 400
    assert (
        owner_client.post(url, {"title": page.title, "words": page.words, "goal": "7000"}).status_code == 302
    )
    page.refresh_from_db()
    assert (page.title, page.goal_minor, page.status) == (
        "周敏为外婆筹款",
        700_000,
        SupporterPageStatus.APPROVED,
    )


def test_the_report_form_records_once_and_refuses_abuse(client, campaign, editor):
    pages = [public_page(campaign, editor) for _ in range(6)]

    first = client.post(
        f"/en/supporters/{pages[0].slug}/report/", {"reason": "fraud", "details": "fake photo"}
    )
    client.post(f"/en/supporters/{pages[0].slug}/report/", {"reason": "fraud"})
    bad = client.post(f"/en/supporters/{pages[0].slug}/report/", {"reason": "nonsense"})
    for page in pages[1:4]:
        client.post(f"/en/supporters/{page.slug}/report/", {"reason": "offensive"})
    refused = client.post(f"/en/supporters/{pages[5].slug}/report/", {"reason": "fraud"})

    assert first.status_code == 200 and bad.status_code == 400
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert SupporterPageReport.objects.count() == 4


def test_an_editor_hides_a_reported_page_in_one_click(client, campaign, editor):
    page = public_page(campaign, editor)
    SupporterPageReport.objects.create(page=page, reason="fraud", fingerprint="x")
    client.force_login(editor)

    screen = client.get(f"/admin/supporters/pages/{page.pk}/moderate/")
    assert 'data-testid="hide-now"' in screen.content.decode()
    response = client.post(f"/admin/supporters/pages/{page.pk}/moderate/", {
        "action": "hide", "reason": "Hidden at once while an editor reviews it."})  # fmt: skip

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.status == SupporterPageStatus.HIDDEN
    assert SupporterPageReport.objects.get().handled_at is not None
    assert Client().get(f"/supporters/{page.slug}/").status_code == 404


def test_the_moderation_screen_is_for_editors_only(client, campaign, editor, finance_officer):
    page = public_page(campaign, editor)
    client.force_login(finance_officer)

    response = client.post(f"/admin/supporters/pages/{page.pk}/moderate/", {"action": "hide", "reason": "x"})

    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert page.status == SupporterPageStatus.APPROVED


def test_the_campaign_supporters_page_lists_pages_and_teams(client, campaign, editor):
    page = public_page(campaign, editor, new_team_name="江华一中校友队")

    html = client.get(f"/supporters/for/{campaign.slug}/").content.decode()

    assert page.get_absolute_url() in html and "江华一中校友队" in html and 'data-testid="start-link"' in html


def test_the_supporters_admin_lists_open_for_editors_only(client, campaign, editor, finance_officer):
    page = public_page(campaign, editor, new_team_name="江华一中校友队")
    SupporterPageReport.objects.create(page=page, reason="fraud", fingerprint="x")
    urls = ["/admin/supporter_pages/", "/admin/supporter_page_reports/", "/admin/supporter_teams/",
            f"/admin/supporter_pages/inspect/{page.pk}/", f"/admin/supporters/teams/{page.team.pk}/moderate/"]  # fmt: skip

    client.force_login(editor)
    pages = {url: client.get(url) for url in urls}
    client.force_login(finance_officer)
    refused = {url: client.get(url).status_code for url in urls}

    assert {url: r.status_code for url, r in pages.items()} == dict.fromkeys(urls, 200)
    assert page.owner.email not in pages[urls[3]].content.decode()  # editors moderate words, not donors
    assert all(code in (302, 403) for code in refused.values())


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (11, 93, 75)).save(out, "PNG")
    return out.getvalue()


def test_a_photo_is_a_checked_image(client, campaign, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _sign_in(client, donor())
    data = {"title": "t", "words": "w", "goal": "5000"}

    bad = client.post(f"/en/supporters/start/{campaign.slug}/",
                      {**data, "photo": SimpleUploadedFile("x.png", b"not an image", "image/png")})  # fmt: skip
    assert bad.status_code == 400 and not SupporterPage.objects.exists()

    good = client.post(f"/en/supporters/start/{campaign.slug}/",
                       {**data, "photo": SimpleUploadedFile("me.png", _png(), "image/png")})  # fmt: skip
    assert good.status_code == 302
    page = SupporterPage.objects.get()
    assert page.photo.width == 64
    page_moderate(page=page, to=SupporterPageStatus.APPROVED, actor=editor)
    shown = client.get(page.get_absolute_url())
    assert shown.status_code == 200 and "<img" in shown.content.decode()


def test_a_supporter_page_shows_the_wall_of_its_own_gifts(
    client, campaign, editor, django_capture_on_commit_callbacks
):
    # given a page with a gift through it, and a gift to the campaign not through the page
    from payments.donations.models import Donation
    from tests.builders import gift

    page = public_page(campaign, editor)
    through = give_via(page, 30_000, django_capture_on_commit_callbacks)
    Donation.objects.filter(pk=through.pk).update(display_name="李华", public_message="为外婆加油")
    other = gift(campaign, 20_000, email="wang.fang@example.cn")
    Donation.objects.filter(pk=other.pk).update(display_name="王芳", public_message="别的留言")

    # when the page is read
    html = client.get(f"/supporters/{page.slug}/").content.decode()

    # then its wall names the gift given through it, and only that one
    assert 'class="wall-of-support"' in html
    assert "李华" in html and "为外婆加油" in html
    assert "王芳" not in html and "别的留言" not in html


def test_an_english_page_marks_a_supporters_chinese_words_as_written_in_chinese(client, campaign, editor):
    # given a page (and its team) written in Chinese
    page = public_page(campaign, editor, new_team_name="江华同学会")

    # when it is read in English and in Chinese
    english = client.get(f"/en/supporters/{page.slug}/").content.decode()
    chinese = client.get(f"/supporters/{page.slug}/").content.decode()

    # then in English the title, the team and the words carry lang="zh-Hans" and a visible mark
    assert (
        '<h1><span lang="zh-Hans" data-donor-text>周敏为外婆筹款</span> <small class="untranslated">(written in Chinese)</small></h1>'
        in english
    )
    assert (
        '<span lang="zh-Hans" data-donor-text>江华同学会</span> <small class="untranslated">(written in Chinese)</small>'
        in english
    )
    assert (
        '<div lang="zh-Hans" data-donor-text><p>三千元一台手术。</p></div><p class="untranslated"><small>(written in Chinese)</small></p>'
        in english
    )
    # and the Chinese page shows them unmarked
    assert "<h1><span data-donor-text>周敏为外婆筹款</span></h1>" in chinese
    assert "written in Chinese" not in chinese and "中文撰写" not in chinese


def test_an_english_pages_title_and_link_previews_mark_a_supporters_chinese_words(client, campaign, editor):
    import re

    # given a page (and its team) written in Chinese
    page = public_page(campaign, editor, new_team_name="江华同学会")

    def heads(url: str) -> dict[str, str]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        found = {"title": re.search(r"<title>(.*?)</title>", html, re.S).group(1)}
        for name in ("og:title", "og:description", "twitter:title", "twitter:description", "og:image:alt"):
            found[name] = re.search(rf'<meta (?:property|name)="{name}" content="([^"]*)"', html).group(1)
        found["share"] = re.search(r'data-share-title="([^"]*)"', html).group(1)
        return found

    # when the page and its team are read in English, every plain-text place marks the Chinese
    english = heads(f"/en/supporters/{page.slug}/")
    assert english["title"].startswith("周敏为外婆筹款 (written in Chinese) · ")
    assert (
        english["og:title"]
        == english["twitter:title"]
        == english["share"]
        == "周敏为外婆筹款 (written in Chinese)"
    )
    assert english["og:description"].endswith("(written in Chinese)")
    team = heads(f"/en/teams/{page.team.slug}/")
    assert team["title"].startswith("江华同学会 (written in Chinese) · ")
    assert team["og:title"] == "江华同学会 (written in Chinese)"
    # and in Chinese nothing is marked
    chinese = heads(f"/supporters/{page.slug}/")
    assert chinese["og:title"] == "周敏为外婆筹款" and "written in Chinese" not in "".join(chinese.values())


def test_an_inspect_screen_reads_a_yes_or_no_not_a_code(client, campaign, editor):
    from django.contrib.auth import get_user_model

    page = public_page(campaign, editor, new_team_name="江华同学会")
    client.force_login(get_user_model().objects.create_superuser("root-zh", password="x"))
    html = client.get(
        f"/admin/supporter_teams/inspect/{page.team.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert ">否<" in html.replace(" ", "").replace("\n", "") and "False" not in html and "True" not in html
