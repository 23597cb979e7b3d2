"""Matchers, pools and paid-in pledges made through the matching services, for tests."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.utils import timezone

from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS
from payments.matching.models import Matcher, MatchPool, PayInMethod
from payments.matching.services import pool_pay_in_confirm, pool_pay_in_record

_seq = itertools.count(1)


def officer(name: str) -> User:
    user, _created = User.objects.get_or_create(username=name)
    user.groups.add(Group.objects.get_or_create(name=FINANCE_OFFICERS)[0])
    return User.objects.get(pk=user.pk)


def pool(campaigns, *, cap: int, ratio: str = "1", per_donor: int | None = None, paid_in: int | None = None,
         starts=None, ends=None) -> MatchPool:  # fmt: skip
    """A 1:1 (by default) pool of ``cap`` minor units on ``campaigns``, open from an hour ago for a
    day, with ``paid_in`` (default: the whole cap) recorded and confirmed by two officers."""
    n = next(_seq)
    matcher = Matcher.objects.create(name=f"湘江建材有限公司 {n}", name_en=f"Xiangjiang Building Materials {n}",
                                     slug=f"xiangjiang-{n}")  # fmt: skip
    now = timezone.now()
    made = MatchPool.objects.create(
        matcher=matcher, title="九九公益日 1:1 配捐", title_en="Giving day 1:1", ratio=Decimal(ratio), cap_minor=cap,
        per_donor_cap_minor=per_donor, starts_at=starts or now - timedelta(hours=1),
        ends_at=ends or now + timedelta(days=1),
    )  # fmt: skip
    made.campaigns.set(campaigns)
    paid = cap if paid_in is None else paid_in
    if paid:
        pay_in(made, paid)
    return made


def pay_in(pool: MatchPool, minor: int):
    recorded = pool_pay_in_record(pool=pool, amount=Money.from_minor(minor, pool.currency),
                                  method=PayInMethod.BANK_TRANSFER, reference=f"BANK-{pool.pk}-{next(_seq)}",
                                  actor=officer("finance-a"))  # fmt: skip
    return pool_pay_in_confirm(pay_in=recorded, actor=officer("finance-b"))
