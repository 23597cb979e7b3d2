from django import template
from django.utils import translation

from reports.models import ReportRun
from reports.selectors.runs import latest_campaign_report as _latest

register = template.Library()


@register.simple_tag
def latest_campaign_report(campaign) -> ReportRun | None:
    """``{% latest_campaign_report campaign as report %}``; ``campaign`` is a Campaign or its id."""
    if campaign is None:
        return None
    campaign_id = getattr(campaign, "pk", campaign)
    return _latest(campaign_id=campaign_id, language=translation.get_language() or "zh-hans")
