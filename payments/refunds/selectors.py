"""What finance reads in the gift list (``payments.refunds.views.gifts_list``)."""

from __future__ import annotations

from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from campaigns.site_time import site_zone
from campaigns.templatetags.labels import bracketed_text
from payments.donations.models import Donation
from payments.donations.services import reachable_by_mail


def finance_gift_rows(*, query: str = "", limit: int = 100) -> list[tuple[Donation, str]]:
    """The newest ``limit`` gifts past the card step, each with who gave (``gift_donor_label``),
    those whose donor email contains ``query`` or whose payment intent id is ``query`` when given.

    Newest by the day the list shows (issue 13): an offline gift's day received, which may be days
    before it was recorded, else the day it was made in the site's zone; a day's gifts newest
    first. Sorted in SQL over the joined offline record: no query per row."""
    gifts = Donation.objects.select_related("campaign", "donor", "offline").exclude(
        status__in=["created", "awaiting_card"]
    )
    if query:
        gifts = gifts.filter(donor__email__icontains=query) | gifts.filter(provider_payment_intent_id=query)
    gifts = gifts.annotate(
        shown_day=Coalesce("offline__received_on", TruncDate("created_at", tzinfo=site_zone()))
    ).order_by("-shown_day", "-created_at", "-pk")
    return [(gift, gift_donor_label(gift)) for gift in gifts[:limit]]


def gift_donor_label(donation: Donation) -> str:
    """Who gave, as finance reads it in the gift list: the donor's email; for a gift received
    offline, "线下捐赠（现金，村服务站）" with the payer's name or email when recorded. Never the
    ``@offline.invalid`` address that stands for an offline donor who gave none (ADR 0230)."""
    offline = getattr(donation, "offline", None)
    if offline is None and reachable_by_mail(donation.donor.email):
        return donation.donor.email
    channel = offline.get_channel_display() if offline is not None else ""
    label = bracketed_text(_("Offline gift"), channel) if channel else _("Offline gift")
    payer = (offline.donor_name or offline.donor_email) if offline is not None else ""
    return f"{payer} · {label}" if payer else label
