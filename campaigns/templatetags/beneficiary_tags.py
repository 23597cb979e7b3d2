"""``{% beneficiaries_panel campaign %}``: verified beneficiaries with public fields only.

Included by ``campaigns/beneficiaries_panel.html`` (context ``campaign``), which the CMS campaign
page can pull in with ``optional_include``."""

from django import template

from campaigns.verification.selectors import campaign_outcome_counts, public_beneficiaries

register = template.Library()


@register.inclusion_tag("campaigns/_beneficiaries_panel_body.html", takes_context=True)
def beneficiaries_panel(context, campaign):
    # The campaign page offers the counts once for this panel and the disbursement feed.
    counts = context.get("outcome_counts")
    return {
        "campaign": campaign,
        "beneficiaries": public_beneficiaries(campaign=campaign),
        "counts": counts if counts is not None else campaign_outcome_counts(campaign=campaign),
    }
