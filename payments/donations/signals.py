"""Events of gifts that other apps react to (``sender=Donation``).

``gift_received`` is sent after the transaction that posted a gift into campaign escrow commits
(``donation_record_capture``, whichever of the synchronous reply or the provider's webhook got
there first), with ``donation_id`` and ``campaign_id``. Sent once per gift: the capture is posted
once. Never sent for a capture that rolled back. The capture transaction itself only registers
the callback (no statement is added to it: ADR 0212).

``gift_status_changed`` is sent *inside* the transaction of every status change of a gift, once
its ``DonationEvent`` and new status are written (``payments.donations.states``: the capture's
one-statement transition and ``donation_transition`` for every other move), with ``donation``
(the gift as it now stands, its row locked, its campaign id and earmark loaded), ``previous``
and ``status``. Sent once per status event, never for a gift's first event (``donation_begin``)
nor for a capture already recorded. Its receivers follow a gift's money (matching, supporter
pages, unit funding, the needs board) and defer their work with ``transaction.on_commit``, so a
change that rolls back queues nothing (ADR 0401, ADR 0240).
"""

from django.dispatch import Signal

gift_received = Signal()
gift_status_changed = Signal()
