"""``{% load matching %}``: ``{% match_offers campaign as offers %}`` gives the pools matching
gifts to ``campaign`` now, with what each can still match (``payments.matching.selectors``). Read
at each render, not cached with the page's fragments, so "left to match" is current."""

from django import template

from payments.matching.selectors import campaign_match_offers

register = template.Library()


@register.simple_tag
def match_offers(campaign):
    return campaign_match_offers(campaign=campaign) if campaign is not None else []
