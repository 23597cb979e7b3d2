"""Events of verification that other apps react to. ``campaigns`` never imports ``payments`` or
``reports``; they listen here (in their own ``receivers.py``, with ``sender=Milestone``).

Two moments, on purpose:

- ``milestone_verified`` is sent *inside* the verifying transaction, with ``milestone`` and
  ``actor``: for work that must commit or roll back with the verification (payments creates the
  release request, so a release request exists exactly when the milestone is verified).
- ``outcome_verified`` is sent *after* that transaction commits, with ``milestone_id`` and
  ``campaign_id``: for side effects outside the database (reports regenerate the campaign's impact
  report). Never sent for a verification that rolled back.
"""

from django.dispatch import Signal

milestone_verified = Signal()
outcome_verified = Signal()
