"""Outbound webhooks are a side channel (ADR 0420): a receiver that cannot build its event leaves
the domain event's other receivers to run."""

import pytest

from integrations.models import OutboundEvent
from payments.releases.models import Release
from payments.releases.signals import release_paid
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_a_release_paid_signal_for_a_release_that_is_gone_records_nothing_and_raises_nothing(caplog):
    heard = []

    def later_receiver(sender, release_id, **kwargs):
        heard.append(release_id)

    release_paid.connect(later_receiver, sender=Release, dispatch_uid="test.later_receiver")
    try:
        release_paid.send(sender=Release, release_id=987654, campaign_id=CampaignFactory().pk)
    finally:
        release_paid.disconnect(dispatch_uid="test.later_receiver", sender=Release)

    assert heard == [987654]
    assert not OutboundEvent.objects.exists()
    assert "outbound webhook event not recorded" in caplog.text
