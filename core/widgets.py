"""Form widgets shared by the apps."""

from typing import ClassVar, NamedTuple

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

_OPTION = '\n  <option value="{}">{}</option>\n'
_SELECTED = '\n  <option value="{}" selected>{}</option>\n'
_GROUP_START = '\n  <optgroup label="{}">'
_GROUP_END = "\n  </optgroup>"


class _Options(NamedTuple):
    plain: list[str]  # each <option> (and each group's start and end), as Django writes it
    selected: list[str]  # the same, the options selected
    index: dict[str, int]  # value -> position of its first option
    first_is_empty: bool  # the first choice's value is empty (then `required` applies)


def _build(choices) -> _Options:
    plain, selected, index = [], [], {}
    first_is_empty = None
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # an option group: (name, [(value, label)...])
            if first_is_empty is None:
                first_is_empty = False  # as Django: a group's name is not an empty value
            start = format_html(_GROUP_START, value)
            plain.append(start)
            selected.append(start)
            for option_value, option_label in label:
                _add(plain, selected, index, option_value, option_label)
            plain.append(_GROUP_END)
            selected.append(_GROUP_END)
            continue
        value = "" if value is None else str(value)
        if first_is_empty is None:
            first_is_empty = value == ""
        _add(plain, selected, index, value, label)
    return _Options(plain, selected, index, bool(first_is_empty))


def _add(plain, selected, index, value, label) -> None:
    value = "" if value is None else str(value)
    index.setdefault(value, len(plain))
    plain.append(format_html(_OPTION, value, label))
    selected.append(format_html(_SELECTED, value, label))


class CachedOptionsSelect(forms.Select):
    """A <select> whose options are rendered once per language and then reused.

    Django renders every <option> through two templates on every request: the
    250 countries of the directory's search form or the 420 time zones of the
    profile cost 50 to 70 ms a page (docs/benchmarks.md), more than all their
    queries. Here the options are built once per process and language, and a
    page only marks the selected one. The HTML is the same as Django's
    select.html, option groups (`(name, [(value, label), ...])`) included.

    The choices must depend on nothing but the active language (a fixed list,
    translated labels): `key` names that list in the cache, so two forms with
    different lists (another blank label, say) need two keys. What varies per
    person goes in `first_group`, `(name, [(value, label), ...])`: a short group
    rendered before the cached options on each page (a person's likely choices).
    As with Django's select, only the first option holding the value is
    selected: a value in the first group is selected there.
    """

    _cache: ClassVar[dict[tuple[str, str], _Options]] = {}

    def __init__(self, attrs=None, choices=(), *, key: str):
        super().__init__(attrs, choices)
        self.key = key
        self.first_group: tuple[str, list] | None = None

    def _options(self) -> _Options:
        cache_key = (self.key, get_language() or "")
        options = self._cache.get(cache_key)
        if options is None:
            options = self._cache[cache_key] = _build(self.choices)
        return options

    def use_required_attribute(self, initial):
        # Django's looks at the first choice, which walks a callable's whole list.
        if self.first_group is not None:
            return False  # the first choice is a group (Django says the same)
        return not self.is_hidden and self._options().first_is_empty

    def render(self, name, value, attrs=None, renderer=None):
        plain, selected, index, _first_is_empty = self._options()
        values = self.format_value(value)
        first = _build([self.first_group]) if self.first_group else _Options([], [], {}, False)
        options = first.plain
        found = [first.index[v] for v in values if v in first.index]
        if found:
            options = list(first.plain)
            options[min(found)] = first.selected[min(found)]
            options += plain
        else:
            # As Django does, only the first option holding the value is selected.
            found = [index[v] for v in values if v in index]
            if found:
                options = options + plain[: min(found)] + [selected[min(found)]]
                options += plain[min(found) + 1 :]
            else:
                options = options + plain
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(  # noqa: S308 - every part is escaped above
            f'<select name="{conditional_escape(name)}"{flatatt(final_attrs)}>'
            + "".join(options)
            + "\n</select>"
        )
