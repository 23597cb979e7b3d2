"""Template tags of the trace: ``{% gift_trace_panel donation %}`` and
``{% disbursement_feed_panel campaign %}``. Includes ``payments/trace_panel.html`` (context
``donation``) and ``payments/disbursement_feed.html`` (context ``campaign``) call these."""

from django import template

from campaigns.verification.selectors import campaign_outcome_counts
from payments.figures.selectors import CampaignTotals, campaign_totals
from payments.trace.selectors import disbursement_feed, donor_gift_traces, gift_trace, pending_releases

register = template.Library()


@register.inclusion_tag("payments/_trace_panel_body.html")
def gift_trace_panel(donation):
    return {"trace": gift_trace(donation=donation)}


@register.inclusion_tag("payments/_disbursement_feed_body.html", takes_context=True)
def disbursement_feed_panel(context, campaign):
    totals = context.get("totals")
    outcomes = context.get("outcome_counts")  # offered once by the campaign page, as the totals
    return {
        "campaign": campaign,
        # The campaign page has read the totals already; reuse them (one ledger read per render).
        "totals": totals
        if isinstance(totals, CampaignTotals) and totals.are_for(campaign)
        else campaign_totals(campaign=campaign),
        "outcomes": outcomes if outcomes is not None else campaign_outcome_counts(campaign=campaign),
        "feed": disbursement_feed(campaign=campaign),
        "pending": pending_releases(campaign=campaign),
        "request": context.get("request"),
    }


@register.simple_tag
def donor_traces(donor):
    """``{% donor_traces donor as traces %}``: the trace of each of the donor's gifts, read in a
    fixed number of queries (``payments.trace.selectors.donor_gift_traces``)."""
    return donor_gift_traces(donor=donor)
