"""Outbound webhooks' receivers come from one table (``integrations.receivers.ANNOUNCED``): each
row's signal has exactly one receiver of it, for its sender, named after the row, however often
``connect`` runs."""

from integrations import receivers


def _connected(announced, name: str) -> list:
    return [
        reference
        for (receiver_key, sender_key), reference, _is_async in announced.signal.receivers
        if receiver_key == f"integrations.{name}" and sender_key == id(announced.sender)
    ]


def test_every_announced_domain_event_has_one_receiver_for_its_sender_even_after_connecting_again():
    # given the app is ready (connected once); when it is connected again
    receivers.connect()

    # then each row has one receiver, the row's own
    assert set(receivers.ANNOUNCED) == {
        "gift_received", "refund_made", "release_approved", "release_paid", "outcome_verified",
        "campaign_status_changed",
    }  # fmt: skip
    for name, announced in receivers.ANNOUNCED.items():
        assert _connected(announced, name) == [receivers.RECEIVERS[name]]
        assert receivers.RECEIVERS[name].__name__ == f"announce_{name}"
