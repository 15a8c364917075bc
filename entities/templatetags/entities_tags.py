"""The directory's result rows, written in Python.

A page of 25 rows through the template language cost about 1.2 ms more than
the same markup written here (a variable lookup, an escape and a node per
cell; docs/benchmarks.md). The markup is what entities/directory.html had.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from entities.models import Kind, Organisation

register = template.Library()

_NONE = "—"
# A placeholder primary key: the organisation page's URL is reversed once per
# page of results, not once per row (about 11 µs each).
_PK = 2_147_483_647


def _kind_cells(organisation: Organisation, kind: str) -> str:
    if kind == Kind.OPERATOR:
        control_body = organisation.control_body
        body = _NONE if control_body is None else control_body.code or control_body.name
        return f"<td>{escape(', '.join(organisation.activities))}</td><td>{escape(body)}</td>"
    if organisation.authority_kind:
        label = organisation.get_authority_kind_display()
    else:
        label = organisation.get_control_body_kind_display() or _NONE
    return f"<td>{escape(str(label))}</td>"


def _row(organisation: Organisation, kind: str, url: str) -> str:
    short_name = f" ({escape(organisation.short_name)})" if organisation.short_name else ""
    return (
        f'<tr><td><a href="{url.replace(str(_PK), str(organisation.pk))}">'
        f"{escape(organisation.name)}</a>{short_name}</td>"
        f"<td>{escape(organisation.identifier or _NONE)}</td>"
        f"<td>{escape(organisation.city or _NONE)}</td>"
        f"<td>{escape(organisation.country_name)}</td>"
        f"{_kind_cells(organisation, kind)}"
        f'<td><span class="status status-{escape(organisation.status)}">'
        f"{escape(str(organisation.get_status_display()))}</span></td></tr>\n"
    )


@register.simple_tag
def directory_rows(organisations, kind: str) -> SafeString:
    """The `<tr>` of each organisation of a result page, for a directory of `kind`."""
    url = escape(reverse("entities:organisation", args=[_PK]))
    return mark_safe("".join(_row(o, kind, url) for o in organisations))  # noqa: S308 - every value is escaped above
