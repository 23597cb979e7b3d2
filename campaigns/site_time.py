"""The site's time: the one time zone every date a person sees and every schedule is in.

The zone is ``settings.TIME_ZONE`` (``CLEARFUND_TIME_ZONE``, Asia/Shanghai by default), read
through Django's default time zone, never the request's "current" zone and never the machine's:
a deadline, a renewal day or a statement year does not change with the server's clock settings.
Datetimes are stored in UTC; these functions turn them into the site's dates. ADR 0004.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone


def site_zone() -> tzinfo:
    """``settings.TIME_ZONE`` as a tzinfo (Django caches it and resets it when the setting changes)."""
    return timezone.get_default_timezone()


def site_now() -> datetime:
    """Now, as an aware datetime in the site's zone."""
    return timezone.localtime(timezone.now(), site_zone())


def site_today() -> date:
    """Today's date in the site's zone (at 23:30 UTC it is already tomorrow in Beijing)."""
    return site_now().date()


def site_date(moment: datetime) -> date:
    """The site's calendar date of an aware ``moment`` (``captured_at``, ``created_at``...).

    Never ``moment.date()``: that is the UTC date, a day early for anything between 00:00 and
    08:00 Beijing time. Raises ``ValueError`` for a naive datetime.
    """
    return timezone.localtime(moment, site_zone()).date()


def site_day_start(day: date) -> datetime:
    """The first instant of ``day`` in the site's zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), site_zone())


def site_year_bounds(year: int) -> tuple[datetime, datetime]:
    """``[start, end)`` of a calendar year in the site's zone: a gift at 2026-01-01 00:30 Beijing
    time (2025-12-31 16:30 UTC) falls inside 2026's bounds."""
    return site_day_start(date(year, 1, 1)), site_day_start(date(year + 1, 1, 1))


def site_day_bounds(day: date) -> tuple[datetime, datetime]:
    """``[start, end)`` of one site-time day."""
    return site_day_start(day), site_day_start(day + timedelta(days=1))


def site_moment_text(moment: datetime, *, today: date | None = None) -> str:
    """A moment as people read it, in the site's zone and naming that zone: "04:45 (UTC+8)" when it
    is today in the site's zone, "2026-12-02 04:45 (UTC+8)" on another day. A reader in another
    zone (a donor abroad) can tell which 04:45 it is. Raises ``ValueError`` for a naive datetime."""
    local = timezone.localtime(moment, site_zone())
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    zone = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    clock = local.strftime("%H:%M")
    if local.date() != (today or site_today()):
        clock = f"{local:%Y-%m-%d} {clock}"
    return f"{clock} ({zone})"
