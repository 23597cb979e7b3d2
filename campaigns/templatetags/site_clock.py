"""``{{ need.held_until|site_moment }}``: a time shown to the public or a donor, in the site's zone
and naming it ("04:45 (UTC+8)"; with the date when it is not today). ADR 0004."""

from django import template

from campaigns.site_time import site_datetime_text, site_moment_text

register = template.Library()


@register.filter
def site_moment(moment) -> str:
    return "" if moment is None else site_moment_text(moment)


@register.filter
def site_moment_dated(moment) -> str:
    """``site_moment`` with the date even today: "2026-12-02 22:19 (UTC+8)"."""
    return "" if moment is None else site_moment_text(moment, dated=True)


@register.filter
def site_datetime(moment) -> str:
    """``{{ run.generated_at|site_datetime }}``: a moment in the admin, in the site's zone and the
    language's one date-and-time format ("2026年12月1日 10:31"); "" for None."""
    return "" if moment is None else site_datetime_text(moment)
