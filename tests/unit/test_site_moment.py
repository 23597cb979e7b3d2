"""Times shown to the public and donors name the site's zone, and the date when not today (issue 13)."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from campaigns.site_time import site_moment_text


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_today_shows_the_clock_and_the_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"

    shown = site_moment_text(datetime(2026, 11, 30, 20, 45, tzinfo=UTC), today=date(2026, 12, 1))

    assert shown == "04:45 (UTC+8)"  # 20:45 UTC is 04:45 the next morning in Beijing


def test_in_chinese_the_zone_is_in_full_width_brackets(settings):
    settings.TIME_ZONE = "Asia/Shanghai"

    with translation.override("zh-hans"):
        shown = site_moment_text(datetime(2026, 11, 30, 20, 45, tzinfo=UTC), today=date(2026, 11, 30))

    assert shown == "2026-12-01 04:45（UTC+8）"


def test_another_day_shows_the_date_too(settings):
    settings.TIME_ZONE = "Asia/Shanghai"

    shown = site_moment_text(datetime(2026, 11, 30, 20, 45, tzinfo=UTC), today=date(2026, 11, 30))

    assert shown == "2026-12-01 04:45 (UTC+8)"


def test_a_zone_with_half_hours_and_one_behind_utc(settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    assert (
        site_moment_text(datetime(2026, 6, 1, 0, 0, tzinfo=UTC), today=date(2026, 6, 1)) == "05:30 (UTC+5:30)"
    )
    settings.TIME_ZONE = "America/New_York"
    assert (
        site_moment_text(datetime(2026, 1, 1, 12, 0, tzinfo=UTC), today=date(2026, 1, 1)) == "07:00 (UTC-5)"
    )


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        site_moment_text(datetime(2026, 1, 1, 12, 0))
