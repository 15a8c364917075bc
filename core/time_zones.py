"""Time zones as a person looks for them: by country, named by their city.

The IANA database has about 600 zone names, links and legacy aliases included
("US/Eastern", "Etc/GMT+3"); a person looks for their country, then their city.
Its table `zone.tab` gives each zone that people live in the country it
belongs to (about 420 zones: every country has at least one, Liechtenstein its
Europe/Vaduz). It is read from the `tzdata` package, pinned in pyproject.toml,
so the list is the same on every machine, with or without /usr/share/zoneinfo;
zoneinfo reads the same package where the system has no zone files.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

UTC = "UTC"


@cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    """{"FR": ("Europe/Paris",), "US": ("America/New_York", ...)}, in zone.tab's order.

    Within a country zone.tab puts the most populous zones first, where that makes
    geographical sense: the chooser keeps that order.
    """
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[str]] = {}
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        code, _coordinates, zone, *_comment = line.split("\t")
        zones.setdefault(code, []).append(zone)
    return {code: tuple(names) for code, names in zones.items()}


@cache
def country_of_zone() -> dict[str, str]:
    return {zone: code for code, zones in zones_by_country().items() for zone in zones}


def city_label(zone: str) -> str:
    """ "Europe/Paris" -> "Paris"; "America/Indiana/Indianapolis" -> "Indianapolis, Indiana"."""
    parts = zone.replace("_", " ").split("/")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return parts[1]
    return f"{parts[-1]}, {', '.join(parts[1:-1])}"


def zone_label(zone: str) -> str:
    """A zone on its own, outside its country's group: "Paris (France)"; "UTC"; "US/Eastern"."""
    code = country_of_zone().get(zone)
    if code is None:
        return zone.replace("_", " ")
    return f"{city_label(zone)} ({countries.name(code)})"


_GROUPED: dict[str, list] = {}


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """[("France", [("Europe/Paris", "Paris")]), ...], sorted by the countries' names
    in the active language, then UTC in a group of its own. Built once per language."""
    language = get_language() or ""
    groups = _GROUPED.get(language)
    if groups is None:
        by_country = zones_by_country()
        # django-countries sorts by name in the active language (Unicode collation).
        groups = [
            (str(country.name), [(zone, city_label(zone)) for zone in by_country[country.code]])
            for country in countries
            if country.code in by_country
        ]
        groups.append((_("Without a country"), [(UTC, UTC)]))
        groups = _GROUPED[language] = groups
    return groups


def likely_zones(*, current: str | None, country: str | None, default: str) -> list[str]:
    """The zones a person most likely wants, most likely first, without repeats: their
    current one, the main zone of the country their language suggests, the portal's own."""
    main = zones_by_country().get(country or "", (None,))[0]
    return list(dict.fromkeys(zone for zone in (current, main, default) if zone))
