"""The public trace says who matched a gift in Chinese without stray spaces around the matcher's
name (issue 13): the name is quoted mid-sentence as the catalogue quotes other names (“%(campaign)s”),
and an amount keeps the one space the catalogue puts between Chinese and an amount ("捐赠 ¥300")."""

from __future__ import annotations

import pytest

from payments.matching.models import Matcher
from tests import builders
from tests.payments.matching_helpers import pool

pytestmark = pytest.mark.django_db


def test_the_chinese_trace_quotes_the_matcher_without_spaces_around_it(
    client, page, django_capture_on_commit_callbacks
):
    # given a ¥300 gift matched ¥300 by a matcher with a Chinese name
    made = pool([page.campaign], cap=100_000)
    Matcher.objects.filter(pk=made.matcher_id).update(name="湖南爱心企业", name_en="Hunan Caring Co.")
    with django_capture_on_commit_callbacks(execute=True):
        gift = builders.gift(page.campaign, 30_000, email="li.na@example.cn")

    # when its trace is read in Chinese
    html = client.get(f"/payments/trace/{gift.public_id}/").content.decode()

    # then the sentence reads as Chinese is set: the name quoted, no space between it and the words
    assert "您的 ¥300 捐款获得“湖南爱心企业”配捐 ¥300。" in html
    assert "获得 湖南爱心企业 配捐" not in html
