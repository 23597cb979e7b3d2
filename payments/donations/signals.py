"""Events of gifts that other apps react to (``sender=Donation``).

``gift_received`` is sent after the transaction that posted a gift into campaign escrow commits
(``donation_record_capture``, whichever of the synchronous reply or the provider's webhook got
there first), with ``donation_id`` and ``campaign_id``. Sent once per gift: the capture is posted
once. Never sent for a capture that rolled back. The capture transaction itself only registers
the callback (no statement is added to it: ADR 0212).
"""

from django.dispatch import Signal

gift_received = Signal()
