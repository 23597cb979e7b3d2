"""Events of refunds that other apps react to (``sender=Refund``).

``refund_made`` is sent after the transaction that moved a refund to ``succeeded`` commits (a
refund we asked for, an automatic one, or one made at the provider's dashboard:
``payments.refunds.states.refund_transition`` is the one place a refund's status changes), with
``refund_id`` and ``donation_id``. Never sent for a change that rolled back.
"""

from django.dispatch import Signal

refund_made = Signal()
