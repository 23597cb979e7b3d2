"""Card errors in the reader's language (issue 12).

Stripe.js and the API localise their messages for the locale they are given; the offline
stand-in (localstripe) answers in English whatever the page's language. So a page or an answer
not in English shows our own message, chosen by the error's ``decline_code`` or ``code``
(Stripe's names: https://docs.stripe.com/declines/codes, https://docs.stripe.com/error-codes);
an English one shows the processor's message as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext

from campaigns.reader_language import reads_english

# A card error's ``decline_code`` or ``code`` (as Stripe.js reports it) → the data attribute that
# carries our own message for it; "other" covers every code not listed.
CARD_ERROR_CODES = (
    "card_declined",
    "insufficient_funds",
    "expired_card",
    "incorrect_cvc",
    "incorrect_number",
    "processing_error",
    "other",
)


def card_error_messages() -> dict[str, str]:
    """Our message for each card error code in ``CARD_ERROR_CODES``, in the active language."""
    return {
        "card_declined": gettext("Your card was declined. Try another card or ask your bank."),
        "insufficient_funds": gettext("The card has not enough funds. Try another card."),
        "expired_card": gettext("The card has expired. Check its expiry date or use another card."),
        "incorrect_cvc": gettext("The card's security code is wrong. Check the three digits on its back."),
        "incorrect_number": gettext("The card number is wrong. Check it and try again."),
        "processing_error": gettext("The card could not be charged just now. Try again in a moment."),
        "other": gettext("The card could not be used. Check it or try another card."),
    }


def card_error_for_reader(code: str, message: str) -> str:
    """The text a donor reads for a card error: ``message`` (the processor's) on an English page
    or when there is no ``code`` (the message is then ours, already translated); otherwise our
    message for ``code`` in the active language, the generic one for a code not listed. Never
    raises."""
    if not code or reads_english():
        return message
    messages = card_error_messages()
    return messages.get(code, messages["other"])
