"""Dates and times as a person writes them, with the zone named (core/formats/)."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format

NBSP = "\u00a0"
# 15:53 UTC on 1 December 2026 is 16:53 in Paris (winter time, CET).
WINTER = dt.datetime(2026, 12, 1, 15, 53, tzinfo=dt.UTC)
# 07:05 UTC on 1 July 2026 is 09:05 in Paris (summer time, CEST).
SUMMER = dt.datetime(2026, 7, 1, 7, 5, tzinfo=dt.UTC)


def shown(value, language, zone="Europe/Paris", template="{{ value }}"):
    """What a template shows for `value` in this language and zone."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        return Template(template).render(Context({"value": value}))


def test_english_reads_day_month_year_then_a_24_hour_time_and_the_zone():
    assert shown(WINTER, "en") == "1 December 2026, 16:53 CET"
    assert shown(SUMMER, "en") == "1 July 2026, 09:05 CEST"


def test_french_reads_16_h_53_after_a_with_no_break_spaces_in_the_time():
    assert shown(WINTER, "fr") == f"1 décembre 2026 à 16{NBSP}h{NBSP}53 CET"
    assert shown(SUMMER, "fr") == f"1 juillet 2026 à 9{NBSP}h{NBSP}05 CEST"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_time_is_written_on_a_12_hour_clock(language):
    for hour in range(24):
        text = shown(WINTER.replace(hour=hour), language, zone="UTC")
        assert "a.m." not in text and "p.m." not in text and "midnight" not in text
        assert "noon" not in text and "midi" not in text and "minuit" not in text


def test_the_zone_follows_the_persons_zone_and_the_utc_offset_stands_in_where_it_has_no_name():
    assert shown(WINTER, "en", zone="America/New_York") == "1 December 2026, 10:53 EST"
    assert shown(WINTER, "en", zone="UTC") == "1 December 2026, 15:53 UTC"
    # The IANA database gives no abbreviation to Dubai's zone: its offset is written.
    assert shown(WINTER, "en", zone="Asia/Dubai") == "1 December 2026, 19:53 +04"


def test_a_date_alone_has_no_time_and_no_zone():
    assert shown(WINTER.date(), "en") == "1 December 2026"
    assert shown(WINTER.date(), "fr") == "1 décembre 2026"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("16:53 CET", "01/12/2026", "01/12/2026 16:53 CET")),
        ("fr", (f"16{NBSP}h{NBSP}53 CET", "01/12/2026", f"01/12/2026 16{NBSP}h{NBSP}53 CET")),
    ],
)
def test_the_time_and_the_short_formats_follow_the_same_rules(language, expected):
    local = timezone.localtime(WINTER, zoneinfo.ZoneInfo("Europe/Paris"))
    with translation.override(language):
        formats = ("TIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT")
        assert tuple(date_format(local, name) for name in formats) == expected


def test_dates_typed_in_a_form_are_read_day_first_in_english_too():
    with translation.override("en"):
        assert get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
        assert "%Y-%m-%d" in get_format("DATE_INPUT_FORMATS")
        assert get_format("FIRST_DAY_OF_WEEK") == 1


def test_what_the_formats_leave_out_stays_djangos_for_the_language():
    with translation.override("fr"):
        assert get_format("DECIMAL_SEPARATOR") == ","
    with translation.override("en"):
        assert get_format("DECIMAL_SEPARATOR") == "."
