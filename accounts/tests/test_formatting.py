"""accounts.formatting.date_format: Django's own output, whatever was formatted before."""

import datetime
import zoneinfo

import pytest
from django.utils import formats, timezone, translation

from accounts.formatting import _formatted, date_format, local_datetime

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = datetime.UTC

INSTANT = datetime.datetime(2026, 11, 27, 17, 5, 9, tzinfo=UTC)
VALUES = [
    INSTANT,
    INSTANT.astimezone(PARIS),  # the same instant: equal, and same hash, as INSTANT
    INSTANT.astimezone(NEW_YORK),
    datetime.datetime(2026, 10, 25, 1, 30, tzinfo=PARIS),  # the night the clocks go back
    datetime.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=PARIS),
    datetime.datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
    datetime.datetime(2026, 1, 2, 12, 0),  # naive
    datetime.date(2026, 1, 2),
    datetime.date(2026, 5, 1),
]
DATE_FORMATS = ["DATE_FORMAT", "SHORT_DATE_FORMAT", "c", "N j, Y l"]
FORMATS = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "c", "r", "N j, Y, P e O"]


@pytest.fixture(autouse=True)
def empty_cache():
    _formatted.cache_clear()
    yield
    _formatted.cache_clear()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_same_text_as_django_for_every_value_and_format(language):
    with translation.override(language):
        for _round in range(2):  # the second round is answered from the cache
            for value in VALUES:
                is_datetime = isinstance(value, datetime.datetime)
                for format_name in FORMATS if is_datetime else DATE_FORMATS:
                    assert date_format(value, format_name) == formats.date_format(
                        value, format_name
                    ), (value, format_name)


def test_the_same_instant_in_two_zones_is_not_confused():
    paris = date_format(INSTANT.astimezone(PARIS), "DATETIME_FORMAT")
    utc = date_format(INSTANT, "DATETIME_FORMAT")
    assert paris != utc
    assert "6:05" in paris and "5:05" in utc


def test_the_two_half_past_ones_of_the_night_the_clocks_go_back_read_as_django_reads_them():
    first = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=PARIS)
    second = first.replace(fold=1)
    assert first == second  # equal, same hash: only the fold tells them apart
    for value in (first, second, first):
        assert date_format(value, "c O") == formats.date_format(value, "c O")


def test_each_language_has_its_own_text():
    with translation.override("en"):
        english = date_format(datetime.date(2026, 5, 1), "DATE_FORMAT")
    with translation.override("fr"):
        french = date_format(datetime.date(2026, 5, 1), "DATE_FORMAT")
    assert (english, french) == ("May 1, 2026", "1 mai 2026")


def test_a_date_is_not_taken_for_midnight_of_that_day():
    midnight = datetime.datetime(2026, 1, 2, 0, 0)
    assert date_format(datetime.date(2026, 1, 2), "c") == "2026-01-02"
    assert date_format(midnight, "c") == "2026-01-02T00:00:00"


def test_the_cache_is_bounded():
    assert _formatted.cache_info().maxsize == 8192


def test_local_time_as_the_portal_shows_it():
    with timezone.override(PARIS), translation.override("fr"):
        shown = date_format(timezone.localtime(INSTANT), "DATETIME_FORMAT")
        local = local_datetime(INSTANT)
    assert shown == local == "27 novembre 2026 18:05"


def test_a_datetime_of_another_class_keeps_its_zone():
    class TestClockDatetime(datetime.datetime):  # as freezegun and time-machine make them
        pass

    value = TestClockDatetime(2026, 11, 27, 18, 5, tzinfo=PARIS)
    assert (
        date_format(value, "c O")
        == formats.date_format(value, "c O")
        == ("2026-11-27T18:05:00+01:00 +0100")
    )
