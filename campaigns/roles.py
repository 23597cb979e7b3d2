"""The staff roles of the platform, as Django groups, and the questions services ask about them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

EDITORS = "Editors"
VERIFIERS = "Verifiers"
FINANCE_OFFICERS = "Finance officers"
ALL_ROLES = (EDITORS, VERIFIERS, FINANCE_OFFICERS)

Actor = AbstractBaseUser | AnonymousUser | None


def in_role(user: Actor, role: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return user.groups.filter(name=role).exists()
