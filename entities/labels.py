"""Labels shown in every row of a list, translated once per language, not once per row.

Django's `get_FOO_display()` rebuilds a dict of the field's choices on every
call and hashes each lazy label, which translates every label of the field
for each row (about 80 µs a call: 2 ms for a 25-row directory page). The
labels below are the same strings, looked up once per process and language.
"""

from functools import lru_cache

from django.utils.encoding import force_str
from django.utils.translation import get_language
from django_countries import countries


@lru_cache(maxsize=4096)
def _choice_label(field, value, language: str):
    # `language` is the active one: it is part of the key, not used here.
    return force_str(dict(field.flatchoices).get(value, value), strings_only=True)


def field_label(model, field_name: str, value):
    """The label of `value` among the choices of `model.<field_name>`, cached per language."""
    field = model._meta.get_field(field_name)
    try:
        return _choice_label(field, value, get_language())
    except TypeError:  # an unhashable value: Django's own lookup
        return force_str(dict(field.flatchoices).get(value, value), strings_only=True)


def choice_label(instance, field_name: str):
    """What `instance.get_<field_name>_display()` returns, cached per language."""
    value = getattr(instance, instance._meta.get_field(field_name).attname)
    return field_label(type(instance), field_name, value)


@lru_cache(maxsize=4096)
def _country_name(code: str, language: str) -> str:
    return force_str(countries.name(code))


def country_name(code: str) -> str:
    """The country's name in the active language (`Country.name`), cached per language."""
    return _country_name(code, get_language())
