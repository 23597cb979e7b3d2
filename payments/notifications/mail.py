"""Rendering the mail of donor notices: one event, or a week of them, in the donor's language.

Every mail carries the donor's page (the trace of their gifts), their preferences and a one-click
unsubscribe: a link in the body and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers
of RFC 8058, so a mail client can unsubscribe with one POST and no page.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from campaigns.money import Money
from campaigns.reader_language import ReaderText, in_reader_language
from campaigns.site_mail import SiteMail
from campaigns.site_name import from_address
from payments.donations.donor_links import donor_page_url
from payments.donations.models import DonorProfile
from payments.notifications.links import preferences_url, unsubscribe_url
from payments.notifications.models import DonorNotification, NotificationKind

TEMPLATES = "payments/notifications/email"


def _item_context(notification: DonorNotification) -> dict:
    """What the paragraph about one event needs; public facts only (pseudonyms, partners, roles)."""
    event = notification.event
    language = notification.language
    # Names in the donor's language, the Chinese marked "not yet translated" where no English
    # exists yet (ADR 0403); rendered when the mail's language is active.
    context: dict = {
        "kind": event.kind,
        "campaign": in_reader_language(event.campaign, "title", language=language),
        "data": event.data,
    }
    if notification.amount_minor is not None:
        context["amount"] = Money.from_minor(notification.amount_minor, notification.currency)
    if event.kind in (NotificationKind.RELEASE_PAID, NotificationKind.OUTCOME_VERIFIED):
        from payments.releases.models import Release

        release = Release.objects.select_related("partner", "milestone__beneficiary").get(
            pk=event.data["release_id"]
        )
        milestone = release.milestone
        context.update(
            partner=in_reader_language(release.partner, "name", language=language),
            beneficiary=in_reader_language(milestone.beneficiary, "pseudonym", language=language),
            outcome=milestone.get_kind_display(),
            verified_at=milestone.verified_at,
            paid_at=release.paid_at,
        )
    elif event.kind == NotificationKind.REFUND_MADE:
        from payments.refunds.models import Refund

        refund = Refund.objects.select_related("donation").get(pk=event.data["refund_id"])
        # The credit note and the receipt it corrects, by the numbers the donor's page shows (ADR 0412).
        context.update(credit_note=refund.credit_note_number, receipt=refund.donation.receipt_number)
    elif event.kind == NotificationKind.CAMPAIGN_UPDATE:
        texts = event.data.get("texts", {})
        context["update"] = texts.get(language) or _update_in_another_language(texts)
    return context


def _update_in_another_language(texts: dict[str, dict[str, str]]) -> dict:
    """A campaign update not published in the reader's language: the site's default language (or
    any) with its title and summary marked "not yet translated", as everywhere else (ADR 0403)."""
    text = texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), {})
    return {
        "title": ReaderText(text.get("title", ""), missing=True),
        "summary": ReaderText(text.get("summary", ""), missing=True),
        "url": text.get("url", ""),
    }


def _message(*, donor: DonorProfile, language: str, template: str, context: dict) -> SiteMail:
    with translation.override(language or settings.LANGUAGE_CODE):
        links = {
            "donor_url": donor_page_url(donor),
            "preferences_url": preferences_url(donor),
            "unsubscribe_url": unsubscribe_url(donor),
        }
        values = {**context, **links}
        subject = render_to_string(f"{TEMPLATES}/{template}_subject.txt", values).strip()
        body = render_to_string(f"{TEMPLATES}/{template}.txt", values)
        sender = from_address()
    return SiteMail(
        subject=subject,
        body=body,
        from_email=sender,
        to=[donor.email],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notification_message(notification: DonorNotification) -> SiteMail:
    """The mail telling one donor of one event."""
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        item = _item_context(notification)
    return _message(donor=notification.donor, language=notification.language, template=notification.event.kind,
                    context={"item": item})  # fmt: skip


def digest_message(
    *, donor: DonorProfile, language: str, notifications: Sequence[DonorNotification]
) -> SiteMail:
    """The weekly digest of a monthly donor: every event of the week, oldest first, in one mail."""
    with translation.override(language or settings.LANGUAGE_CODE):
        items = [_item_context(n) for n in notifications]
    return _message(donor=donor, language=language, template="digest", context={"items": items})
