"""The browser-facing start of a card gift, shared by every giving form.

The campaign's donate form (``payments.donations.views``) and a need's payment form
(``payments.needs.views``) take a gift the same way: a valid form, the attempt limits of
``payments.donations.protection`` (nothing is created when they refuse), the gift's row, then the
card setup at the provider inside a provider slot. What differs is only how the gift's row is
made; ``start_card_gift`` takes that as a function. The JSON answers are the ones the donate
page's script reads (ADR 0200): ``invalid`` 400 with field errors, ``error`` 4xx/5xx with a
message (and ``Retry-After`` when trying again later helps), ``awaiting_card`` with the client
secret and the exact amount the button will charge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from payments.donations.client_ip import client_ip
from payments.donations.models import Donation, Frequency
from payments.donations.protection import AttemptBlocked, Overloaded, attempt_check, provider_slot
from payments.donations.services import DonationNotPossible, donation_start_card
from payments.gateway.card import GatewayError

# The list of gifts started in this browser (the thank-you page and the charge steps answer only
# for these): a signed cookie (ADR 0240), so an anonymous giver's first gift writes no session row.
# Sessions that noted gifts before under ``SESSION_KEY`` are still read.
SESSION_KEY = "payments.donations"
GIFTS_COOKIE = "cf_gifts"
GIFTS_COOKIE_SALT = "payments.donations.started"
GIFTS_KEPT = 20
# Public ids (UUIDs) joined by "." (a cookie value needs no quoting with it; a comma would).


def json_error(message: str, status: int, retry_after: int | None = None) -> JsonResponse:
    """``{"status": "error", "message": …}`` with ``status``; ``Retry-After`` in seconds if given."""
    response = JsonResponse({"status": "error", "message": message}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def busy_response() -> JsonResponse:
    """503 with Retry-After: too many gifts are waiting on the provider right now (ADR 0204)."""
    return json_error(_("Many people are giving right now. Please try again in a few seconds."), 503,
                      Overloaded.retry_after)  # fmt: skip


def submit_label(donation: Donation) -> str:
    """The donate button once the server has the gift: the exact amount it will charge, in the
    donor's language, in the money format of the presets, mails and thank-you page: whole yuan
    without ".00", cents when there are any ("Give ¥500" / "捐赠 ¥500.50")."""
    if donation.frequency == Frequency.MONTHLY:
        return _("Give %(amount)s every month") % {"amount": str(donation.amount)}
    return _("Give %(amount)s") % {"amount": str(donation.amount)}


def started_gifts(request: HttpRequest) -> list[str]:
    """The public ids of the gifts started in this browser, oldest first: from the signed cookie
    (``GIFTS_COOKIE``; a forged, altered or expired one counts as none), else from a session that
    noted them before the cookie (ADR 0240). Reads the session only if a session cookie was sent."""
    value = request.get_signed_cookie(GIFTS_COOKIE, default="", salt=GIFTS_COOKIE_SALT,
                                      max_age=settings.SESSION_COOKIE_AGE)  # fmt: skip
    if value:
        return value.split(".")
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return list(request.session.get(SESSION_KEY, []))
    return []


def gift_started_here(request: HttpRequest, public_id: object) -> bool:
    """Whether the gift ``public_id`` was started in this browser (``started_gifts``)."""
    return str(public_id) in started_gifts(request)


def remember_gift(request: HttpRequest, response: HttpResponse, donation: Donation) -> None:
    """Note on ``response`` that this browser started ``donation`` (the last ``GIFTS_KEPT`` are
    kept): a signed cookie, HttpOnly, SameSite and Secure as the session's cookie, lasting as
    long as a session would (``SESSION_COOKIE_AGE``)."""
    known = started_gifts(request)[-(GIFTS_KEPT - 1) :]
    public_id = str(donation.public_id)
    if public_id in known:
        return
    response.set_signed_cookie(
        GIFTS_COOKIE, ".".join([*known, public_id]), salt=GIFTS_COOKIE_SALT,
        max_age=settings.SESSION_COOKIE_AGE, path="/", secure=settings.SESSION_COOKIE_SECURE,
        httponly=True, samesite=settings.SESSION_COOKIE_SAMESITE,
    )  # fmt: skip


def start_gift(
    request: HttpRequest,
    form: forms.Form,
    create: Callable[[dict[str, Any], str], Donation],
    start: Callable[[Donation, str], dict[str, Any]],
    *,
    unreachable: str,
) -> JsonResponse:
    """The steps every giving form shares: validate ``form``, count the attempt (the limits of
    ``payments.donations.protection``: nothing is written when they refuse), make the gift with
    ``create(cleaned_data, client_ip)``, remember it in this browser, then run the provider step
    ``start(donation, client_ip)`` inside a provider slot; its dict is the JSON answer.

    ``create`` and ``start`` may raise ``DonationNotPossible`` (400). Refusals: 400 invalid form,
    429 attempt limits, 503 overload or an unreachable provider (``unreachable`` says so; the
    gift's row stays as ``create`` left it and the donor may try again)."""
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"status": "invalid", "errors": errors}, status=400)
    data = form.cleaned_data
    ip = client_ip(request)
    try:
        attempt_check(ip=ip, email=data["email"], honeypot=data.get("website", ""))
    except AttemptBlocked as exc:
        return json_error(str(exc), 429, exc.retry_after)
    try:
        donation = create(data, ip)
    except DonationNotPossible as exc:
        return json_error(" ".join(exc.messages), 400)
    # The gift exists: whatever happens at the provider, this browser may come back to it.
    response = _provider_answer(donation, ip, start, unreachable)
    remember_gift(request, response, donation)
    return response


def _provider_answer(
    donation: Donation, ip: str, start: Callable[[Donation, str], dict[str, Any]], unreachable: str
) -> JsonResponse:
    """``start(donation, ip)`` inside a provider slot, its dict as the JSON answer; its refusals
    as ``start_gift`` lists them."""
    try:
        with provider_slot():
            body = start(donation, ip)
    except DonationNotPossible as exc:
        return json_error(" ".join(exc.messages), 400)
    except Overloaded:
        return busy_response()
    except GatewayError:
        return json_error(unreachable, 503, 30)
    return JsonResponse(body)


def start_card_gift(
    request: HttpRequest, form: forms.Form, create: Callable[[dict[str, Any], str], Donation]
) -> JsonResponse:
    """Validate ``form``, count the attempt, make the gift with ``create(cleaned_data, client_ip)``
    and set up its card at the provider (``start_gift``). ``create`` may raise
    ``DonationNotPossible`` (400, nothing written by it). Refusals: 400 invalid form, 429 attempt
    limits (before anything is written), 503 overload or an unreachable provider (the gift's row
    stays ``awaiting_card``; the donor may try again)."""

    def card_setup(donation: Donation, ip: str) -> dict[str, Any]:
        client_secret = donation_start_card(donation=donation, client_ip=ip or None)
        return {
            "status": "awaiting_card",
            "donation": str(donation.public_id),
            # What the server will charge (the gift's row, not the browser's reading of the field):
            # the button shows it before the card is charged.
            "amount": str(donation.amount.amount),
            "currency": donation.currency,
            "amount_display": str(donation.amount),
            "submit_label": submit_label(donation),
            "confirm_note": _("Check the amount on the button, then press it to give."),
            "client_secret": client_secret,
            "charge_url": reverse("payments:donation_charge", kwargs={"public_id": donation.public_id}),
            "confirm_url": reverse("payments:donation_confirm", kwargs={"public_id": donation.public_id}),
        }

    return start_gift(request, form, create, card_setup,
                      unreachable=_("We could not reach the card processor. Please try again in a minute."))  # fmt: skip
