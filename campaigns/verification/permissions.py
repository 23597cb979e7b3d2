"""Who may do what in verification, asked by services and by admin views alike."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from campaigns.models import Partner, PartnerMember
from campaigns.roles import FIELD_OFFICERS, FINANCE_OFFICERS, PARTNERS, VERIFIERS, Actor, in_role


def is_verifier(user: Actor) -> bool:
    return in_role(user, VERIFIERS) and user.has_perm("campaigns.verify_beneficiary")


def require_verifier(user: Actor) -> None:
    if not is_verifier(user):
        raise PermissionDenied(_("Only a verifier may do this."))


def is_field_officer(user: Actor) -> bool:
    """A village official or resident work-team member (the ``Field officers`` group)."""
    return user is not None and user.is_authenticated and user.groups.filter(name=FIELD_OFFICERS).exists()


def partner_of(user: Actor) -> Partner | None:
    """The one partner a user of the ``Partners`` group acts for, or ``None``. Superusers act for
    no partner here: a partner's screens are for its own people."""
    if user is None or not user.is_authenticated or not user.groups.filter(name=PARTNERS).exists():
        return None
    member = PartnerMember.objects.select_related("partner").filter(user=user).first()
    return member.partner if member else None


def require_partner(user: Actor, partner: Partner | None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` acts for ``partner`` (another partner's case is refused)."""
    own = partner_of(user)
    if own is None or partner is None or own.pk != partner.pk:
        raise PermissionDenied(_("This case belongs to another partner."))


def may_view_restricted(user: Actor) -> bool:
    """Restricted registry data (names, ID numbers, phones, villages) is for verifiers and
    finance officers only, and only with the explicit permission."""
    if user is None or not user.is_authenticated:
        return False
    roles_ok = in_role(user, VERIFIERS) or in_role(user, FINANCE_OFFICERS)
    return roles_ok and user.has_perm("campaigns.view_restricted_registry")
