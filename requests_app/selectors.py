"""The reads behind the requests app's pages and panels, each a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from entities.models import Membership, Organisation
from entities.services import OPERATOR_CHANGE_FIELDS, operator_values
from requests_app.models import (
    QUEUE_STATUSES,
    AuthorisationRequest,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Validator,
    working_today,
)

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


# --- A decider's queue, counted ----------------------------------------------------

OVERDUE = "overdue"


def queue_counts(requests: QuerySet, *, today: datetime.date | None = None) -> dict[str, int]:
    """How many of `requests` wait in each queue status, and how many are overdue.

    {"pending": 12, "correction": 1, "overdue": 3}: a key per status of QUEUE_STATUSES, and OVERDUE
    (pending past its due date). One aggregate over the index on (routed_to,
    status, due_date): the counted column is in it, no table row is read.
    """
    today = today or working_today()
    counts = {str(status): Count("status", filter=Q(status=status)) for status in QUEUE_STATUSES}
    counts[OVERDUE] = Count("status", filter=Q(status=RequestStatus.PENDING, due_date__lt=today))
    return requests.order_by().filter(status__in=QUEUE_STATUSES).aggregate(**counts)


@dataclass(frozen=True)
class QueueLine:
    """One line of a queue's summary: "Pending 12", with the admin filter that lists them."""

    key: str
    count: int
    query: str  # the admin queue's query string

    @property
    def is_overdue(self) -> bool:
        return self.key == OVERDUE

    @property
    def label(self) -> str:
        if self.is_overdue:
            return pgettext("requests", "Overdue")
        return RequestStatus(self.key).label


@dataclass(frozen=True)
class Queue:
    """The requests a validator (or a site administrator) decides, counted."""

    authority: Organisation | None  # None: a site administrator's, every request
    counts: dict[str, int]

    @property
    def lines(self) -> list[QueueLine]:
        lines = []
        for status in QUEUE_STATUSES:
            lines.append(
                QueueLine(str(status), self.counts[str(status)], f"?status__exact={status}")
            )
            if status == RequestStatus.PENDING:  # overdue: pending past its due date
                overdue = f"?status__exact={status}&overdue=yes"
                lines.append(QueueLine(OVERDUE, self.counts[OVERDUE], overdue))
        return lines


def queue_of(user, *, validator: Validator | None = None) -> Queue | None:
    """The queue of a validator or a site administrator, counted; None for anyone else.

    No query for a person who is not staff; two for a validator (their row, the counts).
    """
    if not user.is_authenticated or not user.is_staff:
        return None
    if user.is_superuser:
        return Queue(authority=None, counts=queue_counts(AuthorisationRequest.objects.all()))
    if validator is None:
        validator = Validator.objects.select_related("authority").filter(user=user).first()
    if validator is None:
        return None
    requests = AuthorisationRequest.objects.filter(routed_to_id=validator.authority_id)
    return Queue(authority=validator.authority, counts=queue_counts(requests))
