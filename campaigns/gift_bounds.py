"""The bounds of one gift to a campaign: at least the campaign's minimum, at most ¥1,000,000 (or
the same figure in the campaign's currency). Larger gifts are arranged with the team by hand.

One rule for the gift form, a monthly gift's new amount and a need's cost (review findings 8 and
12), so the three cannot drift apart.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns.money import Money

# 1,000,000.00 in minor units (fen): above it the form asks the donor to contact us.
GIFT_MAXIMUM_MINOR = 100_000_000


def gift_maximum(currency: str) -> Money:
    """The largest single gift in ``currency`` (1,000,000 major units)."""
    return Money.from_minor(GIFT_MAXIMUM_MINOR, currency)


def gift_amount_check(*, campaign, amount: Money) -> None:
    """Refuse an amount outside the campaign's bounds for one gift. ``amount`` is in the
    campaign's currency. Raises ``ValidationError`` (translated): under the campaign's minimum
    gift, or over ``gift_maximum``."""
    if amount < campaign.min_donation:
        raise ValidationError(_("The smallest gift is %(min)s.") % {"min": campaign.min_donation})
    if amount > gift_maximum(campaign.currency):
        raise ValidationError(_("For gifts this large, please contact us."))
