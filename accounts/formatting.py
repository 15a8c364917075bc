"""Dates and times as Django formats them, each formatted once per process.

`django.utils.formats.date_format` parses the format and looks up translated
month names and "a.m."/"p.m." on every call: about 0.03 ms a date, and the
validators' queue shows 50 dates a page, a profile with eight requests 21.
Formatting is a pure function of the value, its time zone, the format and the
language, so its result is kept (a bounded LRU) under exactly those.
"""

import datetime
import functools

from django.utils import formats, timezone, translation


def date_format(value: datetime.date, format_name: str = "DATE_FORMAT") -> str:
    """`formats.date_format(value, format_name)` in the active language, remembered."""
    # Aware datetimes compare and hash by their instant, not their wall time:
    # 12:00 UTC equals 13:00 in Paris. The key is the wall time, its zone and
    # its fold (the first or second 01:30 of a night the clocks go back).
    tzinfo = getattr(value, "tzinfo", None)
    wall = value.replace(tzinfo=None) if tzinfo is not None else value
    fold = getattr(value, "fold", 0)
    return _formatted(type(value), wall, tzinfo, fold, format_name, translation.get_language())


def local_datetime(value: datetime.datetime) -> str:
    """`{{ value|date:"DATETIME_FORMAT" }}`: in the active time zone and language."""
    return date_format(timezone.template_localtime(value), "DATETIME_FORMAT")


@functools.lru_cache(maxsize=8192)
def _formatted(kind, wall, tzinfo, fold, format_name, language) -> str:
    # `kind` keeps a date and midnight of that day apart; a datetime, of whatever
    # class (test clocks subclass it), gets its zone back.
    value = wall.replace(tzinfo=tzinfo, fold=fold) if isinstance(wall, datetime.datetime) else wall
    return formats.date_format(value, format_name)
