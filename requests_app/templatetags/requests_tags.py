from django import template
from django.db.models import Prefetch

from entities.models import Membership
from requests_app.models import AuthorisationRequest, Notification, RequestEvent, RequestStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    """The header's badge: one COUNT on the (user, read_at) index."""
    user = context["request"].user
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@register.simple_tag(takes_context=True)
def my_requests_panel(context, with_history: bool = False) -> dict:
    """A person's organisations and requests, for home and profile (a fixed number of queries)."""
    user = context["request"].user
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    requests = AuthorisationRequest.objects.filter(applicant=user).select_related(
        "organisation", "routed_to"
    )
    if with_history:
        requests = requests.prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor"))
        )
    requests = list(requests.order_by("-submitted_at", "-pk"))
    is_admin = any(m.is_admin for m in memberships)
    return {
        "memberships": memberships,
        "requests": requests,
        "has_pending": any(r.status == RequestStatus.PENDING for r in requests),
        "is_admin": is_admin,
        "to_decide_count": (
            AuthorisationRequest.objects.administered_by(user)
            .pending()
            .exclude(applicant=user)
            .count()
            if is_admin
            else 0
        ),
    }


@register.simple_tag(takes_context=True)
def organisation_request_state(context, organisation) -> dict:
    """What the organisation page offers this person: a request button, or why not."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"state": "anonymous"}
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        return {"state": "member"}
    pending = (
        AuthorisationRequest.objects.pending()
        .filter(applicant=user, organisation=organisation)
        .first()
    )
    if pending:
        return {"state": "pending", "request": pending}
    if not organisation.accepts_requests:
        return {"state": "closed"}
    return {"state": "open"}
