"""The hold on a need names the site's time zone (issue 13)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.verification.test_needs_board import _claim, _fresh_counters, need, person  # noqa: F401

pytestmark = pytest.mark.django_db


# The zone in the language's brackets: full-width, no space, in Chinese (ADR 0417).
@pytest.mark.parametrize(("language", "zone"), [("zh-hans", r"（UTC\+8）"), ("en", r" \(UTC\+8\)")])
def test_the_hold_names_the_site_zone(client, need, settings, language, zone):  # noqa: F811
    settings.TIME_ZONE = "Asia/Shanghai"
    _claim(client, need)
    with translation.override(language):
        url = reverse("payments:need_pay", kwargs={"pk": need.pk})

    response = client.get(url)
    html = response.content.decode()

    held = re.search(r'data-testid="hold-until">(.*?)</p>', html, re.S).group(1)
    assert re.search(r"\d\d:\d\d" + zone, held), held
