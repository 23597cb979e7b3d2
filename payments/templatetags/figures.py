"""``{% load figures %}``: the glossary's words for money figures, for every template.

``{% figure_label "paid" %}`` prints the translated label of a figure (``docs/glossary.md``);
``{% money_figures totals "held" "approved_unpaid" "paid" %}`` renders those figures of a
``CampaignTotals``, ``CurrencyTotals`` or per-gift ``Breakdown`` as a ``<dl>`` with the same
labels and a ``data-figure`` attribute per figure.
"""

from __future__ import annotations

from django import template

from payments.figures.vocabulary import label

register = template.Library()


@register.simple_tag
def figure_label(name: str) -> str:
    return label(name)


@register.inclusion_tag("payments/_money_figures.html")
def money_figures(
    figures,
    *names: str,
    css_class: str = "facts",
    skip_zero: str = "",
    testid_prefix: str = "",
    layout: str = "list",
) -> dict:
    """``skip_zero``: space-separated figure names left out while they are zero (e.g. disputes);
    ``testid_prefix``: gives each value a ``data-testid`` of the prefix and the figure's name;
    ``layout``: ``"list"`` (a ``<dl>``, public pages) or ``"table"`` (the admin's listing table)."""
    hidden = set(skip_zero.split())
    rows = []
    for name in names:
        value = getattr(figures, name)
        if name in hidden and not value:
            continue
        rows.append({"name": name, "label": label(name), "value": value})
    return {"rows": rows, "css_class": css_class, "testid_prefix": testid_prefix, "layout": layout}


@register.inclusion_tag("payments/_money_figures.html")
def gift_money_figures(donation, css_class: str = "facts", layout: str = "list") -> dict:
    """One gift's cents in the campaign figures' words (finance's refund screen): what is still
    held is all a refund may take."""
    from payments.allocation.services import breakdown_of

    names = ("captured", "held", "approved_unpaid", "paid", "refunded", "disputed", "lost_to_disputes",
             "to_recover")  # fmt: skip
    return money_figures(breakdown_of(donation), *names, css_class=css_class,
                         skip_zero="disputed lost_to_disputes to_recover", testid_prefix="gift-", layout=layout)  # fmt: skip
