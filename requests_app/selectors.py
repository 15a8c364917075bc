"""The reads behind the requests app's pages and panels, each a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch

from entities.models import Membership
from requests_app.models import AuthorisationRequest, RequestEvent

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
