"""``{% donation_panel_context campaign as donate %}``: what the donation panel needs to render."""

from __future__ import annotations

import hashlib
import uuid

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from campaigns.models import Beneficiary, Campaign, FundingModel
from campaigns.money import Money
from campaigns.reader_language import ReaderText, in_reader_language, reads_english
from campaigns.verification.selectors import campaign_gift_refusal, public_beneficiaries
from payments.donations.card_errors import CARD_ERROR_CODES, card_error_messages
from payments.donations.forms import DonationForm
from payments.donations.selectors import WallEntry, wall_of_support
from payments.figures.selectors import CampaignTotals, campaign_totals
from payments.wallets.services import wallet_label, wallet_methods_offered

register = template.Library()


@register.simple_tag(takes_context=True)
def donation_panel_context(context, campaign: Campaign) -> dict:
    # Reuse totals the page already read for this campaign (one ledger read per render).
    totals = context.get("totals")
    if not isinstance(totals, CampaignTotals) or not totals.are_for(campaign):
        totals = campaign_totals(campaign=campaign)
    presets = [
        Money.from_minor(minor, campaign.currency)
        for minor in settings.PAYMENTS_PRESETS.get(campaign.currency, [])
        if minor >= campaign.min_donation_minor
    ]
    # Why no gift can be given right now (closed, past the deadline day in site time, paused).
    refusal = campaign_gift_refusal(campaign=campaign)
    open_now = refusal is None
    earmark = _earmark(context, campaign)
    unit_label = _unit_label(context, campaign)
    # A supporter's page posts the same form to its own starts, card and wallet, which record the
    # page (ADR 0234). A page that names no wallet start offers cards only: a wallet gift posted to
    # the campaign's start would not count to the page.
    page_start, page_wallet = context.get("donate_start_url"), context.get("donate_wallet_url")
    start_url = page_start or reverse("payments:donation_start", kwargs={"slug": campaign.slug})
    wallet_url = page_wallet or reverse("payments:wallet_start", kwargs={"slug": campaign.slug})
    wallets = wallet_methods_offered(campaign=campaign) if page_wallet or not page_start else ()
    seconds, key = _form_cache(
        campaign=campaign, unit_label=unit_label, earmark=earmark, wallets=wallets,
        start_url=start_url, wallet_url=wallet_url,
    )  # fmt: skip
    return {
        # Built only when the form's fragment is rendered (a cache miss).
        "form": SimpleLazyObject(lambda: DonationForm(campaign=campaign, initial={"frequency": "one_off"})),
        "presets": presets,
        "minimum": campaign.min_donation,
        "unit_cost": campaign.unit_cost,
        "unit_label": unit_label,
        "all_or_nothing": campaign.funding_model == FundingModel.ALL_OR_NOTHING,
        "open": open_now,
        "refusal": refusal,
        "earmark": earmark,
        # Live, but stopped until overdue outcome evidence is reported.
        "paused": campaign.accepts_donations and not open_now,
        "start_url": start_url,
        # WeChat Pay and Alipay where the gateway takes them (ADR 0231): (method, name) pairs.
        "wallets": [(method, wallet_label(method)) for method in wallets],
        "wallet_url": wallet_url,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_locale": stripe_locale(),
        "totals": totals,
        "form_seconds": seconds,
        "form_key": key,
    }


def _form_cache(
    *,
    campaign: Campaign,
    unit_label,
    earmark: Beneficiary | None,
    wallets: tuple[str, ...] = (),
    start_url: str = "",
    wallet_url: str = "",
) -> tuple[int, str]:
    """Timeout and key of the cached ``<form>`` fragment of the panel (issue 11, ADR 0228).

    The form holds nothing live and nothing personal (no CSRF token, no figure): only the campaign's
    currency, minimum, unit cost and label, funding model and slug, the provider's public settings,
    the wallets offered, where the form posts (card and wallet) and the page's language. The key is a digest of exactly those values, so a change of any of
    them is a new key and shows at once: nothing to invalidate. An earmarked form (``?for=``) is
    never cached (timeout 0 under a key of its own)."""
    if earmark is not None:
        return 0, uuid.uuid4().hex
    parts = (campaign.pk, campaign.slug, campaign.currency, campaign.min_donation_minor, campaign.unit_cost_minor,
             str(unit_label), campaign.funding_model, get_language(), settings.STRIPE_PUBLISHABLE_KEY,
             settings.STRIPE_JS_URL, tuple(settings.PAYMENTS_PRESETS.get(campaign.currency, ())), wallets,
             start_url, wallet_url)  # fmt: skip
    return settings.CAMPAIGN_PANELS_CACHE_SECONDS, hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _earmark(context, campaign: Campaign) -> Beneficiary | None:
    """The verified beneficiary named by ``?for=<id>``, if they belong to this campaign."""
    request = context.get("request")
    wanted = request.GET.get("for", "") if request is not None else ""
    if not wanted.isdigit():
        return None
    return public_beneficiaries(campaign=campaign).filter(pk=int(wanted)).first()


@register.simple_tag
def campaign_wall(campaign: Campaign) -> list[WallEntry]:
    """``{% campaign_wall campaign as wall %}``: the wall of support of a page that embeds the give
    panel (the CMS campaign page), read only when its cached fragment is rendered."""
    return wall_of_support(campaign=campaign)


@register.simple_tag(name="stripe_locale")
def stripe_locale(language: str | None = None) -> str:
    """Stripe.js's name for the page's language: "zh" (Simplified Chinese) or "en"."""
    return "en" if reads_english(language) else "zh"


@register.simple_tag
def card_error_attributes() -> SafeString:
    """``{% card_error_attributes %}``: on a page not in English, one ``data-card-error-<code>``
    attribute per card error code, each with our translated message, for card_errors.js (used by
    donate.js and card_update.js) to show instead of the processor's English text (the offline stand-in for
    Stripe.js does not localise; issue 12). On English pages nothing: the processor's own
    message is shown."""
    if reads_english():
        return SafeString("")
    messages = card_error_messages()
    return format_html_join(
        " ",
        'data-card-error-{}="{}"',
        ((code.replace("_", "-"), messages[code]) for code in CARD_ERROR_CODES),
    )


def _unit_label(context, campaign: Campaign) -> str | ReaderText:
    """The unit label in the page's language: a translated campaign page carries its own; elsewhere
    (the donate page) the campaign's, in the reader's language (ADR 0403)."""
    page = context.get("page")
    label = getattr(page, "unit_label", "") if getattr(page, "campaign_id", None) == campaign.pk else ""
    return label or in_reader_language(campaign, "unit_label")


@register.filter
def units_funded(totals, campaign: Campaign) -> int:
    """``{{ totals|units_funded:campaign }}``: whole units (surgeries, terms) the gifts paid for."""
    return totals.units_funded(campaign.unit_cost)
