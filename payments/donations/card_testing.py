"""Card testing through the card form: failed card setups counted per setup and per client.

A card setup's client secret, once in a browser, confirms cards at the provider without passing
through us; a card tester used one secret to try 50 stolen cards in a row. We hear of each refusal
from the provider (``setup_intent.setup_failed``) and:

- after ``PAYMENTS_CARD_SETUP_MAX_FAILURES`` refusals on one setup, cancel it at the provider, so
  its secret tries no more cards;
- after ``PAYMENTS_CARD_FAILURES_PER_CLIENT`` refusals (``"count/seconds"``) from one client
  address, over all its setups, cancel every setup that client still holds and refuse it new
  ones for ``PAYMENTS_CARD_COOLING_SECONDS`` (429 with Retry-After at the intake,
  ``card_cooling_remaining``).

A donor whose card is refused once or twice is not affected. ADR 0011.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from payments.donations.models import CardSetup, CardSetupFailure, Donation
from payments.gateway.card import TerminalGatewayError, get_gateway


def _cooling_key(ip: str) -> str:
    return "card-cooling:" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def card_setup_record(
    *, setup_intent_id: str, client_ip: str | None, donation: Donation | None = None, plan=None
) -> None:
    """Remember which client asked for a card setup, for a gift (``donation``) or for a monthly
    gift's new card (``plan``): one ``INSERT … ON CONFLICT DO NOTHING`` (a repeat of the same
    setup writes nothing), no read, no savepoint (ADR 0212)."""
    CardSetup.objects.bulk_create(
        [
            CardSetup(
                setup_intent_id=setup_intent_id, donation=donation, plan=plan, client_ip=client_ip or None
            )
        ],
        ignore_conflicts=True,
    )


def card_cooling_remaining(*, ip: str) -> int:
    """Seconds this client must still wait before it may start a card setup; 0 if none."""
    if not ip:
        return 0
    until = cache.get(_cooling_key(ip))
    if until is None:
        return 0
    return max(0, int(until - timezone.now().timestamp()) + 1)


def _close(setup: CardSetup) -> None:
    """Cancel ``setup`` at the provider unless it is closed already. A setup the provider will not
    cancel (already cancelled, or its card already saved) tries no more cards: closed too.
    Raises the gateway's other errors (the event is retried)."""
    if setup.closed_at is not None:
        return
    try:
        get_gateway().setup_intent_cancel(setup.setup_intent_id)
    except TerminalGatewayError as exc:
        if exc.code != "setup_intent_unexpected_state":
            raise
    setup.closed_at = timezone.now()
    setup.save(update_fields=["closed_at"])


def card_setup_failure_record(*, setup_intent_id: str) -> CardSetupFailure | None:
    """Count one card refused on ``setup_intent_id`` and apply the limits above.

    Returns the failure, or ``None`` if no gift or monthly gift's new card has that setup (yet). Called once per provider
    event (the webhook inbox processes each event once; an error rolls the count back with the
    rest). Raises the gateway's errors if a cancellation cannot reach the provider.
    """
    setup = CardSetup.objects.filter(setup_intent_id=setup_intent_id).first()
    if setup is None:  # a setup handed out before setups were recorded
        donation = Donation.objects.filter(provider_setup_intent_id=setup_intent_id).first()
        if donation is None:
            return None
        card_setup_record(donation=donation, setup_intent_id=setup_intent_id, client_ip=donation.client_ip)
        setup = CardSetup.objects.get(setup_intent_id=setup_intent_id)
    with transaction.atomic():
        setup = CardSetup.objects.select_for_update().get(pk=setup.pk)
        failure = CardSetupFailure.objects.create(setup=setup, client_ip=setup.client_ip)
        if setup.failures.count() >= settings.PAYMENTS_CARD_SETUP_MAX_FAILURES:
            _close(setup)
        if setup.client_ip:
            _limit_client(setup.client_ip)
    return failure


def _limit_client(ip: str) -> None:
    limit, window = (int(part) for part in settings.PAYMENTS_CARD_FAILURES_PER_CLIENT.split("/"))
    now = timezone.now()
    recent = CardSetupFailure.objects.filter(client_ip=ip, failed_at__gte=now - timedelta(seconds=window))
    if recent.count() < limit:
        return
    cooling = settings.PAYMENTS_CARD_COOLING_SECONDS
    cache.set(_cooling_key(ip), now.timestamp() + cooling, cooling)
    for held in CardSetup.objects.filter(client_ip=ip, closed_at__isnull=True).order_by("pk"):
        _close(held)
