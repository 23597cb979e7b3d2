"""Celery task of unit funding: which beneficiaries the money received so far pays for."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.unit_funding_refresh", ignore_result=True)
def unit_funding_refresh(campaign_id: int) -> None:
    from campaigns.models import Campaign
    from payments.allocation.funding import refresh_unit_funding

    campaign = Campaign.objects.filter(pk=campaign_id, unit_cost_minor__isnull=False).first()
    if campaign is not None:
        refresh_unit_funding(campaign=campaign)
