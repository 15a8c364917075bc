"""The validators' queue: its rows written in Python.

The admin's `result_list` finds, formats and wraps every cell of the list
through lookup_field, display_for_field and format_html: 25 rows of 10 cells
cost about 10 ms, the largest part of the queue page (docs/benchmarks.md).
The queue's columns are known, so each is written here by a small function;
the HTML is the admin's own (requests_app/tests/test_admin_queue.py compares
the two). A column without a function here sends the whole table back to the
admin's own rendering, so a column added to `list_display` is never lost.
"""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_value, quote
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from accounts.formatting import date_format, local_datetime
from accounts.urltemplates import for_pk, url_template

register = template.Library()


# column -> (its cell's content for one request, the cell's extra class)
CELLS = {
    "submitted_at": (lambda admin, obj: local_datetime(obj.submitted_at), " nowrap"),
    "applicant_name": (lambda admin, obj: admin.applicant_name(obj), ""),
    "organisation_name": (lambda admin, obj: admin.organisation_name(obj), ""),
    "organisation_eori": (lambda admin, obj: admin.organisation_eori(obj), ""),
    "kind": (lambda admin, obj: obj.get_kind_display(), ""),
    "country": (lambda admin, obj: admin.country(obj), ""),
    "status": (lambda admin, obj: obj.get_status_display(), ""),
    "due_date": (lambda admin, obj: date_format(obj.due_date), " nowrap"),
}
BOOLEAN_CELLS = {"overdue_flag": lambda admin, obj: admin.overdue_flag(obj)}


def _rows(cl) -> list[SafeString] | None:
    """Each request's <tr> content, or None when a column is not one of ours."""
    columns = list(cl.list_display)
    known = {"action_checkbox", *CELLS, *BOOLEAN_CELLS}
    if cl.formset is not None or cl.is_popup or not set(columns) <= known:
        return None
    admin, opts = cl.model_admin, cl.opts
    change_url = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": opts},
        url_template(
            f"admin:{opts.app_label}_{opts.model_name}_change", current_app=admin.admin_site.name
        ),
    )
    icons = {flag: display_for_value(flag, "", boolean=True) for flag in (True, False)}
    links = set(cl.list_display_links or ())
    rows = []
    for obj in cl.result_list:
        url = escape(for_pk(change_url, quote(obj.pk)))
        cells, first_link = [], True
        for column in columns:
            if column == "action_checkbox":
                cells.append(f'<td class="action-checkbox">{admin.action_checkbox(obj)}</td>')
                continue
            if column in BOOLEAN_CELLS:
                content, extra = icons[bool(BOOLEAN_CELLS[column](admin, obj))], ""
            else:
                display, extra = CELLS[column]
                content = conditional_escape(display(admin, obj))
            if column in links:
                tag = "th" if first_link else "td"
                first_link = False
                content = f'<a href="{url}">{content}</a>'
            else:
                tag = "td"
            cells.append(f'<{tag} class="field-{column}{extra}">{content}</{tag}>')
        rows.append(mark_safe("".join(cells)))  # noqa: S308 - every value is escaped above
    return rows


@register.inclusion_tag("admin/change_list_results.html")
def queue_result_list(cl):
    """The admin's `{% result_list cl %}`, with the queue's rows written by `_rows`."""
    headers = list(result_headers(cl))
    rows = _rows(cl)
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(results(cl)) if rows is None else [[row] for row in rows],
    }
