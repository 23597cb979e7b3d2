"""Wagtail admin hooks of the payments app, one module per area."""

from payments import (
    wagtail_hooks_donations,  # noqa: F401
    wagtail_hooks_release,  # noqa: F401
)
