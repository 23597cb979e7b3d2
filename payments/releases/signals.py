"""Events of releases that other apps react to (``sender=Release``).

``release_approved`` is sent after the transaction that approved a release commits, with
``release_id`` and ``campaign_id``: from then on its allocation rows say which gifts pay for it.

``release_paid`` is sent after the transaction that marked a release paid commits (Connect
transfer or recorded bank transfer, ``payments.releases.payouts``), with ``release_id`` and
``campaign_id``. Never sent for a payout that rolled back; sent once per release, since a release
is paid once (``RELEASE_STATES``).
"""

from django.dispatch import Signal

release_approved = Signal()
release_paid = Signal()
