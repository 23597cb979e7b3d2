"""Page factories (wagtail-factories). Domain factories live in ``tests/factories.py``."""

import json
from datetime import date

import factory
import wagtail_factories
from wagtail.models import Locale

from campaigns.models import CampaignStatus
from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    CampaignUpdatePage,
    HomePage,
    RoleModelStoryPage,
    ShowcasePage,
    StandardPage,
)
from tests.factories import CampaignFactory


def story(*paragraphs: str, heading: str = "") -> str:
    blocks = [{"type": "heading", "value": heading}] if heading else []
    blocks += [{"type": "paragraph", "value": f"<p>{p}</p>"} for p in paragraphs]
    return json.dumps(blocks)


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "清源公益"
    slug = factory.Sequence(lambda n: f"home-{n}")
    hero_heading = "让每一分善款都看得见去向"
    hero_text = "善款托管，成果核实后才拨付。"
    locale = factory.LazyFunction(Locale.get_default)


class CampaignIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CampaignIndexPage

    title = "筹款项目"
    slug = factory.Sequence(lambda n: f"campaigns-{n}")
    intro = "正在进行的项目"
    locale = factory.LazyFunction(Locale.get_default)


class CampaignPageFactory(wagtail_factories.PageFactory):
    """A page and its Campaign, with matching terms; the campaign is live unless told otherwise."""

    class Meta:
        model = CampaignPage

    campaign = factory.SubFactory(CampaignFactory, status=CampaignStatus.LIVE)
    title = factory.LazyAttribute(lambda o: o.campaign.title)
    slug = factory.LazyAttribute(lambda o: o.campaign.slug)
    intro = "3,000 元让一位老人重见光明。"
    story = factory.LazyFunction(lambda: story("山村里很多老人患有白内障。", heading="看不见的日子"))
    kind = factory.LazyAttribute(lambda o: o.campaign.kind)
    region = factory.LazyAttribute(lambda o: o.campaign.region)
    currency = factory.LazyAttribute(lambda o: o.campaign.currency)
    goal = factory.LazyAttribute(lambda o: o.campaign.goal.amount)
    unit_cost = factory.LazyAttribute(lambda o: o.campaign.unit_cost.amount if o.campaign.unit_cost else None)
    unit_label = "一例白内障手术"
    deadline = factory.LazyAttribute(lambda o: o.campaign.deadline)
    funding_model = factory.LazyAttribute(lambda o: o.campaign.funding_model)
    fundraising_filing_number = factory.LazyAttribute(lambda o: o.campaign.fundraising_filing_number)
    designated_platform = factory.LazyAttribute(lambda o: o.campaign.designated_platform)
    designated_platform_en = factory.LazyAttribute(lambda o: o.campaign.designated_platform_en)
    locale = factory.LazyFunction(Locale.get_default)


class CampaignUpdatePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CampaignUpdatePage

    title = "首批 18 位患者完成手术"
    slug = factory.Sequence(lambda n: f"update-{n}")
    date = date(2026, 11, 1)
    summary = "县医院完成了首批 18 例手术。"
    body = factory.LazyFunction(lambda: story("复查视力全部达到 0.5 以上。"))
    locale = factory.LazyFunction(Locale.get_default)


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = "关于我们"
    slug = factory.Sequence(lambda n: f"about-{n}")
    intro = "清源公益是一个开源的公益众筹平台。"
    body = factory.LazyFunction(lambda: story("我们只为经核实的家庭筹款。"))
    locale = factory.LazyFunction(Locale.get_default)


class ShowcasePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ShowcasePage

    title = "江华复明行动成果"
    slug = factory.Sequence(lambda n: f"showcase-{n}")
    intro = "126 位老人完成了白内障手术。"
    body = factory.LazyFunction(
        lambda: json.dumps([{"type": "figures", "value": [{"value": "126", "label": "例手术"}]}])
    )
    locale = factory.LazyFunction(Locale.get_default)


class RoleModelStoryPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = RoleModelStoryPage

    title = "走遍 40 个村的眼科医生"
    slug = factory.Sequence(lambda n: f"story-{n}")
    person_name = "盘医生"
    role = "江华县人民医院眼科医生"
    quote = "很多老人不是不想治，是不知道能治。"
    body = factory.LazyFunction(lambda: story("她每月有一周在乡下筛查。"))
    consent_recorded = True
    locale = factory.LazyFunction(Locale.get_default)
