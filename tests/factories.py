"""factory-boy factories for domain records. Page factories live in ``tests/cms_factories.py``."""

from datetime import date, timedelta

import factory

from campaigns.models import Campaign, CampaignKind, FundingModel, Partner, PartnerKind


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"永州市眼科医院 {n}")
    kind = PartnerKind.HOSPITAL
    region = "湖南省永州市江华瑶族自治县"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"白内障复明手术 {n}")
    slug = factory.Sequence(lambda n: f"cataract-{n}")
    kind = CampaignKind.MEDICAL
    region = "湖南省永州市"
    currency = "CNY"
    goal_minor = 30_000_000  # ¥300,000
    unit_cost_minor = 300_000  # ¥3,000: one surgery
    unit_label = "one cataract surgery"
    deadline = factory.LazyFunction(lambda: date.today() + timedelta(days=90))
    funding_model = FundingModel.KEEP_WHAT_IS_RAISED
    # Filed and published (ADR 0413), so that approving it is possible once the site has credentials.
    fundraising_filing_number = factory.Sequence(lambda n: f"53430000MJ0000001F26{n:03d}")
    designated_platform = "示例公益平台"
    designated_platform_en = "Example giving platform"
