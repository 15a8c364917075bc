"""Time zones by country, named by their city (core/time_zones.py)."""

import zoneinfo

from django.utils import translation

from core import time_zones


def test_every_zone_of_the_table_belongs_to_one_country_and_exists():
    by_country = time_zones.zones_by_country()
    zones = [zone for names in by_country.values() for zone in names]
    assert len(zones) == len(set(zones)) > 400
    assert by_country["FR"] == ("Europe/Paris",)
    assert by_country["US"][0] == "America/New_York"  # the most populous first
    assert "Europe/Vaduz" in by_country["LI"]
    assert set(zones) <= zoneinfo.available_timezones()


def test_a_zone_is_named_by_its_city_and_its_region_when_it_has_one():
    assert time_zones.city_label("Europe/Paris") == "Paris"
    assert time_zones.city_label("America/Indiana/Indianapolis") == "Indianapolis, Indiana"
    assert time_zones.city_label("America/Port_of_Spain") == "Port of Spain"
    assert time_zones.city_label("UTC") == "UTC"


def test_a_zone_outside_its_group_says_its_country_in_the_active_language():
    with translation.override("fr"):
        assert time_zones.zone_label("Europe/Berlin") == "Berlin (Allemagne)"
    with translation.override("en"):
        assert time_zones.zone_label("Europe/Berlin") == "Berlin (Germany)"
    assert time_zones.zone_label("US/Eastern") == "US/Eastern"  # an alias has no country


def test_the_groups_are_the_countries_sorted_by_their_name_in_the_active_language():
    with translation.override("fr"):
        names = [name for name, _zones in time_zones.grouped_choices()]
        assert names.index("Estonie") < names.index("États-Unis d'Amérique") < names.index("Fidji")
        assert names[-1] == "Sans pays"
    with translation.override("en"):
        groups = dict(time_zones.grouped_choices())
        assert groups["Germany"] == [("Europe/Berlin", "Berlin"), ("Europe/Busingen", "Busingen")]
        assert groups["Without a country"] == [("UTC", "UTC")]
        offered = [zone for zones in groups.values() for zone, _label in zones]
        table = [z for names in time_zones.zones_by_country().values() for z in names]
        assert sorted(offered) == sorted([*table, "UTC"])


def test_the_likely_zones_are_the_persons_then_their_countrys_then_the_portals_without_repeats():
    likely = time_zones.likely_zones
    assert likely(current="Asia/Tokyo", country="FR", default="Europe/Paris") == [
        "Asia/Tokyo",
        "Europe/Paris",
    ]
    assert likely(current="Europe/Paris", country="FR", default="Europe/Paris") == ["Europe/Paris"]
    assert likely(current="", country=None, default="Europe/Paris") == ["Europe/Paris"]
    assert likely(current="UTC", country="DE", default="Europe/Paris") == [
        "UTC",
        "Europe/Berlin",
        "Europe/Paris",
    ]
