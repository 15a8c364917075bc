"""Form widgets shared by the apps."""

from typing import ClassVar, NamedTuple

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


class _Options(NamedTuple):
    plain: list[str]  # each <option>, as Django writes it
    selected: list[str]  # the same, selected
    index: dict[str, int]  # value -> position of its first option
    first_is_empty: bool  # the first choice's value is empty (then `required` applies)


class CachedOptionsSelect(forms.Select):
    """A <select> whose options are rendered once per language and then reused.

    Django renders every <option> through two templates on every request: the
    250 countries of the directory's search form or the 600 time zones of the
    profile cost 50 to 70 ms a page (docs/benchmarks.md), more than all their
    queries. Here the options are built once per process and language, and a
    page only marks the selected one. The HTML is the same as Django's
    select.html.

    The choices must depend on nothing but the active language (a fixed list,
    translated labels): `key` names that list in the cache, so two forms with
    different lists (another blank label, say) need two keys. Flat lists only.
    """

    _cache: ClassVar[dict[tuple[str, str], _Options]] = {}

    def __init__(self, attrs=None, choices=(), *, key: str):
        super().__init__(attrs, choices)
        self.key = key

    def _options(self) -> _Options:
        cache_key = (self.key, get_language() or "")
        options = self._cache.get(cache_key)
        if options is None:
            plain, selected, index = [], [], {}
            first_is_empty = False
            for value, label in self.choices:
                if isinstance(label, (list, tuple)):
                    raise TypeError("CachedOptionsSelect does not render option groups.")
                value = "" if value is None else str(value)
                if not plain:
                    first_is_empty = value == ""
                index.setdefault(value, len(plain))
                plain.append(format_html('\n  <option value="{}">{}</option>\n', value, label))
                selected.append(
                    format_html('\n  <option value="{}" selected>{}</option>\n', value, label)
                )
            options = self._cache[cache_key] = _Options(plain, selected, index, first_is_empty)
        return options

    def use_required_attribute(self, initial):
        # Django's looks at the first choice, which walks a callable's whole list.
        return not self.is_hidden and self._options().first_is_empty

    def render(self, name, value, attrs=None, renderer=None):
        plain, selected, index, _first_is_empty = self._options()
        # As Django does, only the first option holding the value is selected.
        found = [index[v] for v in self.format_value(value) if v in index]
        options = plain
        if found:
            options = list(plain)
            options[min(found)] = selected[min(found)]
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(  # noqa: S308 - every part is escaped above
            f'<select name="{conditional_escape(name)}"{flatatt(final_attrs)}>'
            + "".join(options)
            + "\n</select>"
        )
