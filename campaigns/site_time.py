"""The site's time: the one time zone every date a person sees and every schedule is in.

The zone is ``settings.TIME_ZONE`` (``CLEARFUND_TIME_ZONE``, Asia/Shanghai by default), read
through Django's default time zone, never the request's "current" zone and never the machine's:
a deadline, a renewal day or a statement year does not change with the server's clock settings.
Datetimes are stored in UTC; these functions turn them into the site's dates. ADR 0004.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import pgettext, pgettext_lazy

# The site's zone by the name people use for it; a zone not listed is named by its UTC offset.
ZONE_NAMES = {
    "Asia/Shanghai": pgettext_lazy("time zone", "China Standard Time"),
}


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


def site_moment_text(moment: datetime, *, today: date | None = None, dated: bool = False) -> str:
    """A moment as people read it, in the site's zone and naming that zone: "04:45 (UTC+8)" when it
    is today in the site's zone, "2026-12-02 04:45 (UTC+8)" on another day ("04:45（UTC+8）" in
    Chinese: the language's brackets). A reader in another zone (a donor abroad) can tell which
    04:45 it is. ``dated``: with the date even today, for a record's timeline (a need's stages),
    where "22:19" beside "2026-11-30 09:00" reads as a time without a day. Raises ``ValueError``
    for a naive datetime."""
    from campaigns.templatetags.labels import bracketed_text

    local = timezone.localtime(moment, site_zone())
    zone = _utc_offset_text(local)
    clock = local.strftime("%H:%M")
    if dated or local.date() != (today or site_today()):
        clock = f"{local:%Y-%m-%d} {clock}"
    return bracketed_text(clock, zone)


def _utc_offset_text(local: datetime) -> str:
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def site_zone_name() -> str:
    """The site's zone as people read it in the active language: "北京时间（UTC+8）" / "China Standard
    Time (UTC+8)"; a zone without a name in ``ZONE_NAMES`` as its offset ("UTC+8"). Never the IANA
    key ("Asia/Shanghai") nor the browser's "GMT+8" (issue 13)."""
    offset = _utc_offset_text(site_now())
    name = ZONE_NAMES.get(settings.TIME_ZONE)
    if name is None:
        return offset
    return pgettext("time zone", "%(name)s (%(offset)s)") % {"name": name, "offset": offset}


def site_datetime_text(moment: datetime) -> str:
    """A moment for the admin: in the site's zone, in the active language's one date-and-time format
    (Django's ``DATETIME_FORMAT``: "2026年12月1日 10:31", "1 Dec 2026, 10:31", config/formats), the format
    Wagtail's own screens use, so a column never reads "2026-12-01 10:31" beside them (issue 13).
    Raises ``ValueError`` for a naive datetime."""
    return formats.date_format(timezone.localtime(moment, site_zone()), "DATETIME_FORMAT")
