"""One name per language for the organisation, from the site settings: page titles outside the CMS,
mails and PDF covers say what the CMS pages say (issue 13)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from cms.models import SiteSettings
from reports.selectors.common import organisation
from tests.builders import gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_site(db):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name, settings.organisation_name_en = (
        "清源公益基金会",
        "Clearfund Charitable Foundation",
    )
    settings.save()
    return settings


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    ("language", "name"), [("zh-hans", "清源公益基金会"), ("en", "Clearfund Charitable Foundation")]
)
def test_pages_outside_the_cms_end_their_title_with_the_site_name(client, named_site, language, name):
    with translation.override(language):
        urls = [reverse("payments:transparency"), reverse("payments:needs_board")]
    urls.append("/en/no-such-page/" if language == "en" else "/no-such-page/")

    titles = [title_of(client.get(url).content.decode()) for url in urls]

    assert all(title.endswith(f" · {name}") for title in titles), titles
    assert all(title.count("·") == 1 for title in titles[:2]), titles


@pytest.mark.parametrize(
    ("language", "name"), [("zh-hans", "清源公益基金会"), ("en", "Clearfund Charitable Foundation")]
)
def test_mails_are_signed_with_the_site_name(
    client, campaign, named_site, mailoutbox, django_capture_on_commit_callbacks, language, name
):
    gift(campaign, 10_000, email="li.na@example.cn")
    mailoutbox.clear()
    client.defaults["REMOTE_ADDR"] = "203.0.113.7"
    with translation.override(language):
        url = reverse("payments:donor_sign_in_request")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "li.na@example.cn"})

    mail = mailoutbox[0]
    assert name in mail.subject
    assert mail.body.rstrip().endswith(name)


def test_the_pdf_cover_names_the_organisation_in_the_report_language(named_site):
    with translation.override("zh-hans"):
        chinese = organisation().name
    with translation.override("en"):
        english = organisation().name

    assert (chinese, english) == ("清源公益基金会", "Clearfund Charitable Foundation")


def test_the_footer_contact_line_takes_each_language_punctuation(client, named_site):
    named_site.contact_email = "hello@clearfund.example"
    named_site.save()
    with translation.override("zh-hans"):
        chinese = client.get(reverse("payments:transparency")).content.decode()
    with translation.override("en"):
        english = client.get(reverse("payments:transparency")).content.decode()

    assert "联系我们：" in chinese and "联系我们:" not in chinese
    assert "Contact:" in english
