"""Celery tasks of the figures: unit funding, and the balance check (ADR 0211)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.unit_funding_refresh", ignore_result=True)
def unit_funding_refresh(campaign_id: int) -> None:
    """Mark the beneficiaries of a unit campaign that its counted money pays for (coalesced per
    campaign, ADR 0223: clears the campaign's due mark before it reads)."""
    from campaigns.models import Campaign
    from payments.figures.unit_funding import refresh_unit_funding, unit_funding_started

    unit_funding_started(campaign_id)

    campaign = Campaign.objects.filter(pk=campaign_id, unit_cost_minor__isnull=False).first()
    if campaign is not None:
        refresh_unit_funding(campaign=campaign)


@shared_task(name="payments.ledger_balances_check", ignore_result=True)
def ledger_balances_check() -> int:
    """Compare kept balances and figures with the ledger; returns how many alerts it opened."""
    from payments.figures.balance_check import balances_check

    return len(balances_check())
