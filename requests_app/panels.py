"""What this app shows on the lower apps' pages (their slots; see core.slots)."""

from __future__ import annotations

from core.slots import Panel
from entities.models import Kind
from entities.services import SEARCHED_SESSION_KEY
from requests_app import selectors
from requests_app.models import AuthorisationRequest


def profile_requests(request) -> Panel:
    """The profile's "My organisations" and "My requests" (three queries at most)."""
    memberships = selectors.memberships_of(request.user)
    return Panel(
        "requests_app/_profile.html",
        {
            "memberships": memberships,
            "requests": selectors.requests_of(request.user),
            "is_admin": any(m.is_admin for m in memberships),
            "to_decide_count": selectors.to_decide_count(request.user, memberships),
        },
    )


def organisation_request(request, *, organisation) -> Panel:
    """On an organisation's page: ask to join it, or why not (one query)."""
    is_member, pending = AuthorisationRequest.objects.standing(
        user=request.user, organisation=organisation
    )
    if is_member:
        state = "member"
    elif pending:
        state = "pending"
    elif not organisation.accepts_requests:
        state = "closed"
    else:
        state = "open"
    return Panel(
        "requests_app/_organisation_actions.html",
        {"state": state, "pending": pending, "organisation": organisation},
    )


def directory_create_operator(request, *, kind: str, searched: bool) -> Panel | None:
    """Under the operators' directory: "Create a new operator", once the person has searched."""
    if kind != Kind.OPERATOR:
        return None
    query = request.GET.copy()
    for key in list(query):
        if key not in ("name", "country"):
            del query[key]
    return Panel(
        "requests_app/_create_operator.html",
        {
            "can_create": bool(request.session.get(SEARCHED_SESSION_KEY)),
            "create_query": query.urlencode(),
        },
    )


def organisation_change(request, *, organisation) -> Panel | None:
    """On an operator's page, for its administrators: Propose a change, or the change
    waiting beside the validated values. Nothing (and no query) for anyone else: the
    page has read the person's role with the organisation (`my_admin`)."""
    if not organisation.is_operator or not getattr(organisation, "my_admin", False):
        return None
    if not organisation.is_valid:
        return None
    pending = selectors.open_change_of(organisation)
    if pending is not None:
        pending.organisation = organisation
    return Panel(
        "requests_app/_operator_change.html",
        {
            "organisation": organisation,
            "pending": pending,
            "rows": selectors.change_rows(pending) if pending else [],
        },
    )
