"""The reads behind the requests app's pages and panels, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from entities.models import Membership, Organisation
from entities.services import OPERATOR_CHANGE_FIELDS, operator_values
from requests_app.models import AuthorisationRequest, RequestEvent, RequestKind

# The columns each table shows, and nothing else: a request's organisation and
# routing authority have some thirty columns each.
MY_ORGANISATIONS_COLUMNS = (
    "is_admin",
    "organisation__name",
    "organisation__kind",
    "organisation__status",
)
MY_REQUESTS_COLUMNS = (
    "kind",
    "status",
    "submitted_at",
    "due_date",
    "decided_at",
    "reason",
    "to_operator_admins",
    "escalated_at",
    "organisation__name",
    "routed_to__name",
    "routed_to__short_name",
)
HISTORY_COLUMNS = (
    "request_id",
    "at",
    "action",
    "note",
    "actor__first_name",
    "actor__last_name",
    "actor__email",
    "actor__pseudonym",
)


def memberships_of(user) -> list[Membership]:
    """The organisations a person belongs to, with their role in each (one query)."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .only(*MY_ORGANISATIONS_COLUMNS)
        .order_by("organisation__name", "pk")
    )


def requests_of(user) -> list[AuthorisationRequest]:
    """A person's requests, newest first (one query)."""
    return list(
        AuthorisationRequest.objects.filter(applicant=user)
        .select_related("organisation", "routed_to")
        .only(*MY_REQUESTS_COLUMNS)
        .order_by("-submitted_at", "-pk")
    )


def to_decide_count(user, memberships: list[Membership]) -> int:
    """How many colleagues' requests wait for this operator administrator (0: not one)."""
    if not any(m.is_admin for m in memberships):
        return 0
    return (
        AuthorisationRequest.objects.administered_by(user).pending().exclude(applicant=user).count()
    )


def history_events():
    """A request's events, oldest first, with their actors: for prefetch_related."""
    return Prefetch(
        "events", queryset=RequestEvent.objects.select_related("actor").only(*HISTORY_COLUMNS)
    )


@dataclass(frozen=True)
class ChangeRow:
    """One field of a proposed change, as people read it."""

    field: str
    label: str
    validated: str  # what the directory shows now
    proposed: str  # what the administrators declared
    based_on: str  # the validated value the proposal was made on
    stale: bool  # the validated value changed since the proposal


def _shown(field: str, value, control_bodies: dict) -> str:
    if field == "control_body":
        body = control_bodies.get(value)
        return (f"{body.code} – {body.name}" if body.code else body.name) if body else "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value) if value not in (None, "") else "–"


def change_rows(request: AuthorisationRequest) -> list[ChangeRow]:
    """A Change request's fields, validated beside proposed (at most one query: the
    control bodies it names)."""
    proposed = request.proposal.get("proposed", {})
    based_on = request.proposal.get("based_on", {})
    current = operator_values(request.organisation)
    pks = {
        values.get("control_body")
        for values in (proposed, based_on, current)
        if values.get("control_body")
    }
    control_bodies = (
        Organisation.objects.in_bulk(pks, field_name="pk") if "control_body" in proposed else {}
    )
    fields = Organisation._meta
    return [
        ChangeRow(
            field=field,
            label=capfirst(fields.get_field(field).verbose_name),
            validated=_shown(field, current[field], control_bodies),
            proposed=_shown(field, value, control_bodies),
            based_on=_shown(field, based_on.get(field), control_bodies),
            stale=based_on.get(field) != current[field],
        )
        for field, value in proposed.items()
        if field in OPERATOR_CHANGE_FIELDS
    ]


def open_change_of(operator) -> AuthorisationRequest | None:
    """The operator's change waiting for a decision, if any (one query)."""
    return (
        AuthorisationRequest.objects.open()
        .filter(organisation=operator, kind=RequestKind.CHANGE)
        .select_related("applicant")
        .first()
    )


def queue_counts(user) -> dict[str, int] | None:
    """What waits in a staff member's queue (the admin index): pending, overdue, in
    correction. Three counts, each an index's range (request_queue for the statuses,
    request_queue_due for the overdue); None for people who are not staff."""
    from requests_app.models import RequestStatus, working_today

    if not user.is_staff:
        return None
    queue = AuthorisationRequest.objects.for_validator(user).order_by()
    return {
        "pending": queue.filter(status=RequestStatus.PENDING).count(),
        "overdue": queue.overdue(working_today()).count(),
        "correction": queue.filter(status=RequestStatus.CORRECTION_REQUESTED).count(),
    }
