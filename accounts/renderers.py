"""The form renderer (FORM_RENDERER): Django's, with its commonest templates written in Python.

Every field of every form renders its widget through two or three small
templates (input.html and attrs.html; select.html and one select_option.html
per option) and its error list through two more, even when it has no error:
about 0.2 ms a field, 2 ms for the profile's form (docs/benchmarks.md). The
templates below are written here instead, giving exactly the HTML Django's
own give (tested). Any of them that the project overrides in its templates
is rendered as usual: the fast path is taken only for Django's own files.
"""

from pathlib import Path

import django
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_DJANGO_FORMS = Path(django.__file__).parent / "forms" / "templates"
_INPUT = "django/forms/widgets/input.html"
_ATTRS = "django/forms/widgets/attrs.html"
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
# The widgets whose template is `{% include "django/forms/widgets/input.html" %}`.
_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "password",
        "number",
        "checkbox",
        "hidden",
        "url",
        "tel",
        "search",
        "date",
        "time",
        "datetime",
        "color",
    )
}
_ERRORS = {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}` with autoescaping."""
    text = "%s" % (value,)  # noqa: UP031 - stringformat's own formatting
    return text if isinstance(value, SafeData) else conditional_escape(text)


def flat_attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: the attributes, in order."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_string(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    value_attr = "" if value is None else f' value="{_string(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value_attr}{flat_attrs(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_string(option["value"])}"{flat_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict) -> str | None:
    """select.html, or None when an option has another template (Django renders it then)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{flat_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            parts.append(f"\n  {_option(option)}\n")  # select_option.html ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PortalFormRenderer(TemplatesSetting):
    def __init__(self):
        super().__init__()
        self._own = {}

    def _is_djangos_own(self, template_name: str) -> bool:
        """Whether the template found for this name is Django's own file, not an override."""
        own = self._own.get(template_name)
        if own is None:
            origin = Path(self.get_template(template_name).origin.name)
            own = self._own[template_name] = origin.is_relative_to(_DJANGO_FORMS)
        return own

    def _fast(self, template_name: str, context) -> str | None:
        if template_name in _ERRORS:
            if not context["errors"] and all(map(self._is_djangos_own, _ERRORS)):
                return ""
            return None
        needed = (
            (template_name, _INPUT, _ATTRS)
            if template_name in _INPUTS
            else (_SELECT, _OPTION, _ATTRS)
            if template_name == _SELECT
            else None
        )
        if needed is None or not all(map(self._is_djangos_own, needed)):
            return None
        if template_name == _SELECT:
            return _select(context["widget"])
        return _input(context["widget"])

    def render(self, template_name, context, request=None):
        html = self._fast(template_name, context)
        if html is None:
            return super().render(template_name, context, request=request)
        return html
