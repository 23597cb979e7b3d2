"""A count of units shown with its unit reads as a sentence in both languages, with the plural the
count needs (not "1 one cataract surgery"; issue 13)."""

import re

import pytest

from campaigns.services import english_texts_set
from tests.builders import gift

pytestmark = pytest.mark.django_db


def units_text(client, url: str) -> str:
    html = client.get(url).content.decode()
    return " ".join(re.search(r'data-testid="units">(.*?)</span>', html, re.S).group(1).split())


@pytest.mark.parametrize(
    ("amount", "english", "chinese"),
    [
        (3_000, "1 unit funded (each: one cataract surgery)", "已资助 1 份（每份：一例白内障手术）"),
        (6_000, "2 units funded (each: one cataract surgery)", "已资助 2 份（每份：一例白内障手术）"),
    ],
)
def test_the_donate_box_counts_units_in_words(client, campaign, amount, english, chinese):
    campaign.unit_label = "一例白内障手术"
    campaign.save(update_fields=["unit_label"])
    english_texts_set(record=campaign, texts={"unit_label": "one cataract surgery"}, actor=None)
    gift(campaign, amount * 100)

    assert units_text(client, f"/en/payments/donate/{campaign.slug}/") == english
    assert units_text(client, f"/payments/donate/{campaign.slug}/") == chinese
