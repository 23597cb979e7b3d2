"""The staff roles of the platform, as Django groups, and the questions services ask about them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

EDITORS = "Editors"
VERIFIERS = "Verifiers"
FINANCE_OFFICERS = "Finance officers"
# Village officials and resident work-team members: post needs and propose beneficiaries; never
# vet their own posts (campaigns.verification.needs).
FIELD_OFFICERS = "Field officers"
# Staff of a hospital, school or training centre, each bound to one partner (``PartnerMember``).
PARTNERS = "Partners"
ALL_ROLES = (EDITORS, VERIFIERS, FINANCE_OFFICERS, FIELD_OFFICERS, PARTNERS)

Actor = AbstractBaseUser | AnonymousUser | None


def in_role(user: Actor, role: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return user.groups.filter(name=role).exists()
