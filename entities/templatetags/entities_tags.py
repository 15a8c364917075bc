"""The directory's result rows, written in Python.

A page of 25 rows through the template language cost about 1.2 ms more than
the same markup written here (a variable lookup, an escape and a node per
cell; docs/benchmarks.md). The markup is what entities/directory.html had.
The rows are named tuples of DIRECTORY_COLUMNS (entities/views.py), not model
instances: building 26 organisations and their control bodies cost more than
reading them.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from accounts.urltemplates import for_pk, url_template
from entities.labels import country_name, field_label
from entities.models import Kind, Organisation, operator_activities

register = template.Library()

_NONE = "—"


def _kind_cells(row, kind: str) -> str:
    if kind == Kind.OPERATOR:
        activities = operator_activities(
            is_importer=row.is_importer, is_first_consignee=row.is_first_consignee
        )
        body = row.control_body__code or row.control_body__name or _NONE
        return f"<td>{escape(', '.join(activities))}</td><td>{escape(body)}</td>"
    if row.authority_kind:
        label = field_label(Organisation, "authority_kind", row.authority_kind)
    else:
        label = field_label(Organisation, "control_body_kind", row.control_body_kind) or _NONE
    return f"<td>{escape(str(label))}</td>"


def _row(row, kind: str, url: str) -> str:
    short_name = f" ({escape(row.short_name)})" if row.short_name else ""
    identifier = row.eori if row.kind == Kind.OPERATOR else row.code
    status = field_label(Organisation, "status", row.status)
    return (
        f'<tr><td><a href="{for_pk(url, row.pk)}">'
        f"{escape(row.name)}</a>{short_name}</td>"
        f"<td>{escape(identifier or _NONE)}</td>"
        f"<td>{escape(row.city or _NONE)}</td>"
        f"<td>{escape(country_name(row.country))}</td>"
        f"{_kind_cells(row, kind)}"
        f'<td><span class="status status-{escape(row.status)}">{escape(str(status))}</span></td>'
        "</tr>\n"
    )


@register.simple_tag
def directory_rows(rows, kind: str) -> SafeString:
    """The `<tr>` of each organisation of a result page, for a directory of `kind`."""
    url = escape(url_template("entities:organisation"))
    return mark_safe("".join(_row(row, kind, url) for row in rows))  # noqa: S308 - every value is escaped above
