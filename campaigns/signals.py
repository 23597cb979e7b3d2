"""Events of a campaign's lifecycle that other apps react to (``campaigns`` imports neither
``payments`` nor ``cms``; they listen here, in their own ``receivers.py``, with ``sender=Campaign``).

- ``campaign_stopped_giving`` is sent *inside* the transaction of a status change that ends
  giving for good (to ``closed`` or ``failed``: ``campaigns.services.STOPS_GIVING``), with
  ``campaign_id``, ``previous`` and ``status``: for work that must commit or roll back with the
  status (payments ends the campaign's monthly gifts, ADR 0219).
- ``campaign_status_changed`` is sent *after* the transaction of every status change commits, with
  ``campaign_id``, ``previous`` and ``status``: for side effects outside the database (outbound
  webhooks announce a campaign published, ``live``, or closed, ADR 0420). Never sent for a change
  that rolled back.
"""

from django.dispatch import Signal

campaign_stopped_giving = Signal()
campaign_status_changed = Signal()
