"""Events other apps react to. ``campaigns`` never imports ``payments``; payments listens here."""

from django.dispatch import Signal

# Sent inside the verifying transaction with ``milestone`` and ``actor``.
milestone_verified = Signal()
