"""Who may do what in verification, asked by services and by admin views alike."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from campaigns.roles import FINANCE_OFFICERS, VERIFIERS, Actor, in_role


def is_verifier(user: Actor) -> bool:
    return in_role(user, VERIFIERS) and user.has_perm("campaigns.verify_beneficiary")


def require_verifier(user: Actor) -> None:
    if not is_verifier(user):
        raise PermissionDenied(_("Only a verifier may do this."))


def may_view_restricted(user: Actor) -> bool:
    """Restricted registry data (names, ID numbers, phones, villages) is for verifiers and
    finance officers only, and only with the explicit permission."""
    if user is None or not user.is_authenticated:
        return False
    roles_ok = in_role(user, VERIFIERS) or in_role(user, FINANCE_OFFICERS)
    return roles_ok and user.has_perm("campaigns.view_restricted_registry")
