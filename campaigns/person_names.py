"""A person's name in the order their own language writes it (issue 13).

Django's ``User.get_full_name`` joins ``first_name`` and ``last_name`` with a space: right for
"Anna Smith", wrong for 王芳, which it prints "芳 王". A name written in Chinese (Japanese,
Korean) reads family name first, with no space between the parts; a name in Latin letters reads
given name first. ``person_name`` is the one rule; ``install()`` makes ``User.get_full_name`` use
it, so every screen that names a user reads the same: Wagtail's (its ``user_display_name``,
the users list, page history, workflow screens, the account menu), ours (audit actor, the
release, refund and offline money screens) and the donor's trace page (the verifier's name).

A user with no name reads as their login (``user_name``), as Wagtail does.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractUser

# Han ideographs, kana and Hangul: scripts whose names are written family name first, unspaced.
FAMILY_FIRST = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def person_name(*, given: str, family: str) -> str:
    """ "王" + "芳" → "王芳"; "Anna" + "Smith" → "Anna Smith"; either part alone → that part."""
    given, family = (given or "").strip(), (family or "").strip()
    if FAMILY_FIRST.search(given + family):
        return f"{family}{given}"
    return " ".join(part for part in (given, family) if part)


def user_name(user) -> str:
    """How a user is named on a screen: their name (``person_name``), else their login; "" for
    no user (a change made by the system)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _full_name(self: AbstractUser) -> str:
    return person_name(given=self.first_name, family=self.last_name)


def install() -> None:
    """Called once from ``CampaignsConfig.ready``: Django's user reads its name by
    ``person_name`` (Wagtail offers no setting for the order; it calls ``get_full_name``)."""
    AbstractUser.get_full_name = _full_name
