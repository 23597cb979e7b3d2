"""Campaign index: filters by kind, region and status, search (Chinese substrings too), pagination."""

import pytest

from campaigns.models import CampaignKind, CampaignStatus
from tests.cms_factories import CampaignPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_campaigns(index):
    return {
        "cataract": CampaignPageFactory(
            parent=index, title="白内障复明手术项目", intro="让老人重见光明。",
            campaign__kind=CampaignKind.MEDICAL, campaign__region="湖南省永州市",
        ),
        "tuition": CampaignPageFactory(
            parent=index, title="高中与中职助学金", intro="支付一个学期的学费。",
            campaign__kind=CampaignKind.EDUCATION, campaign__region="贵州省丹寨县",
        ),
        "leaders": CampaignPageFactory(
            parent=index, title="乡村创业带头人培训", intro="分阶段发放启动资金。",
            campaign__kind=CampaignKind.LIVELIHOOD, campaign__region="贵州省丹寨县",
            campaign__status=CampaignStatus.FUNDED,
        ),
    }  # fmt: skip


def titles(response) -> list[str]:
    return [item["page"].title for item in response.context["campaign_pages"]]


def test_unfiltered_lists_every_public_campaign_newest_first(client, index, three_campaigns):
    response = client.get(index.url)

    assert titles(response) == ["乡村创业带头人培训", "高中与中职助学金", "白内障复明手术项目"]


def test_a_campaign_not_yet_approved_is_not_listed(client, index, three_campaigns):
    CampaignPageFactory(parent=index, title="尚在审核的项目", campaign__status=CampaignStatus.IN_REVIEW)

    assert "尚在审核的项目" not in titles(client.get(index.url))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=education", ["高中与中职助学金"]),
        ("region=贵州省丹寨县", ["乡村创业带头人培训", "高中与中职助学金"]),
        ("status=funded", ["乡村创业带头人培训"]),
        ("region=贵州省丹寨县&status=live", ["高中与中职助学金"]),
        ("kind=nonsense", ["乡村创业带头人培训", "高中与中职助学金", "白内障复明手术项目"]),
    ],
)
def test_filters(client, index, three_campaigns, query, expected):
    assert titles(client.get(f"{index.url}?{query}")) == expected


@pytest.mark.parametrize(
    ("q", "expected"), [("白内障", ["白内障复明手术项目"]), ("学费", ["高中与中职助学金"]), ("无此项目", [])]
)
def test_search_matches_chinese_words_inside_titles_and_summaries(
    client, index, three_campaigns, q, expected
):
    response = client.get(index.url, {"q": q})

    assert titles(response) == expected
    if not expected:
        assert "没有符合条件的项目。" in response.content.decode()


def test_region_choices_come_from_listed_campaigns(client, index, three_campaigns):
    assert client.get(index.url).context["region_choices"] == ["湖南省永州市", "贵州省丹寨县"]


def test_pagination_keeps_the_filters(client, index):
    for n in range(11):
        CampaignPageFactory(parent=index, title=f"助学项目 {n:02d}", campaign__kind=CampaignKind.EDUCATION)
    CampaignPageFactory(parent=index, title="医疗项目", campaign__kind=CampaignKind.MEDICAL)

    first = client.get(index.url, {"kind": "education"})
    second = client.get(index.url, {"kind": "education", "page": "2"})

    assert len(titles(first)) == 9
    assert titles(second) == ["助学项目 01", "助学项目 00"]
    assert 'href="?kind=education&amp;page=2"' in first.content.decode()
    assert "第 1 页，共 2 页" in first.content.decode()
    assert client.get(index.url, {"page": "99"}).context["page_obj"].number == 2
