"""A person's requests and organisations as HTML tables, for home and the profile.

These were templates (_request_table.html, _organisations_table.html). A profile
with eight requests and their histories cost 2.3 ms of template rendering, a
node, a lookup and an escape per cell; written here with format_html it costs
a fraction of that (docs/benchmarks.md). The markup is the templates' own.
"""

from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.formatting import date_format, local_datetime
from accounts.urltemplates import for_pk, url_template
from requests_app.models import RequestStatus


def history_list(request) -> SafeString:
    """A request's history, oldest first: when, what, by whom, and the note."""
    items = []
    for event in request.events.all():
        # As {% blocktranslate %} does: the translation as it is, its values escaped.
        actor = (
            mark_safe(" " + _("by %(actor)s") % {"actor": conditional_escape(event.actor)})  # noqa: S308
            if event.actor
            else ""
        )
        note = format_html(": {}", event.note) if event.note else ""
        items.append(
            format_html(
                '<li><time datetime="{}">{}</time> — {}{}{}</li>',
                timezone.localtime(event.at).isoformat(),
                local_datetime(event.at),
                event.get_action_display(),
                actor,
                note,
            )
        )
    return format_html(
        '<ol class="history">{}</ol>',
        mark_safe("".join(items)),  # noqa: S308 - each item is format_html's
    )


def _history_row(request) -> SafeString:
    return format_html(
        '<tr>\n<td colspan="7"><details><summary>{}</summary>{}</details></td>\n</tr>',
        _("History"),
        history_list(request),
    )


def _table(caption: str, headings: list[str], rows: SafeString) -> SafeString:
    return format_html(
        '<div class="table-wrap">\n<table>\n<caption class="visually-hidden">{}</caption>\n'
        "<thead><tr>{}</tr></thead>\n<tbody>\n{}\n</tbody>\n</table>\n</div>",
        caption,
        format_html_join("", '<th scope="col">{}</th>', ((h,) for h in headings)),
        rows,
    )


def _decision_cell(request) -> str:
    if request.is_pending:
        decider = conditional_escape(request.decider_label)
        return mark_safe(_("To be decided by %(decider)s") % {"decider": decider})  # noqa: S308
    return local_datetime(request.decided_at) if request.decided_at else ""


def _due_cell(request) -> SafeString:
    if not request.is_pending:
        return "–"
    due = date_format(request.due_date, "DATE_FORMAT")
    if request.is_overdue:
        return format_html("{} <strong>({})</strong>", due, _("overdue"))
    return due


def _withdraw_cell(request, url: str, csrf_input: SafeString) -> SafeString:
    if not request.is_pending:
        return mark_safe("<td></td>")  # noqa: S308 - a constant
    return format_html(
        '<td><form method="post" action="{}" class="inline-form">{}'
        '<button type="submit" class="button-secondary">{}'
        '<span class="visually-hidden"> {}</span></button></form></td>',
        for_pk(url, request.pk),
        csrf_input,
        _("Withdraw"),
        request.organisation,
    )


def request_table(http_request, requests, *, with_history: bool) -> SafeString:
    """The person's requests; on the profile (`with_history`) with a Withdraw
    button for the pending ones and each request's history."""
    detail_url = url_template("requests:detail")
    withdraw_url = url_template("requests:withdraw")
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(http_request)
    )
    columns = 7 if with_history else 6
    rows = []
    for request in requests:
        rows.append(
            format_html(
                '<tr>\n<td><a href="{}">{}</a></td>\n<td>{}</td>\n'
                '<td><span class="status status-{}">{}</span></td>\n<td>{}</td>\n'
                "<td>{}</td>\n<td>{}</td>\n{}</tr>",
                for_pk(detail_url, request.pk),
                request.organisation,
                request.get_kind_display(),
                request.status,
                request.get_status_display(),
                local_datetime(request.submitted_at),
                _decision_cell(request),
                _due_cell(request),
                _withdraw_cell(request, withdraw_url, csrf_input) if with_history else "",
            )
        )
        if request.status == RequestStatus.REJECTED:
            rows.append(
                format_html(
                    '<tr><td colspan="{}"><strong>{}:</strong> {}</td></tr>',
                    columns,
                    _("Reason"),
                    request.reason,
                )
            )
        if with_history:
            rows.append(_history_row(request))
    headings = [_("Organisation"), _("Kind"), _("Status"), _("Sent"), _("Decision"), _("Due date")]
    if with_history:
        headings.append(_("Actions"))
    return _table(
        _("My requests"),
        headings,
        mark_safe("\n".join(rows)),  # noqa: S308 - each row is format_html's
    )


def organisations_table(memberships) -> SafeString:
    """The organisations the person belongs to, with their role in each."""
    headings = [_("Organisation"), _("Kind"), _("Status"), _("My role")]
    rows = format_html_join(
        "\n",
        '<tr><td>{}</td><td>{}</td><td><span class="status status-{}">{}</span></td>'
        "<td>{}</td></tr>",
        (
            (
                m.organisation,
                m.organisation.get_kind_display(),
                m.organisation.status,
                m.organisation.get_status_display(),
                _("Administrator") if m.is_admin else _("Member"),
            )
            for m in memberships
        ),
    )
    return _table(_("My organisations"), headings, rows)
