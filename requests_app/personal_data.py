"""What this app holds about a person, for the identity app's hooks (accounts.slots).

Download my data: the person's requests with their whole history, the
decisions they took, their validator role. Delete my account: refused for a
validator; otherwise open requests are withdrawn, and the messages and
contact details the person wrote are erased (the requests and their history
stay, under the person's pseudonym).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.services import utc
from requests_app.models import OPEN_STATUSES, AuthorisationRequest, RequestEvent, Validator
from requests_app.services import request_withdraw


def _request(req: AuthorisationRequest) -> dict:
    return {
        "reference": req.reference,
        "organisation": req.organisation.name,
        "organisation_id": req.organisation_id,
        "kind": req.kind,
        "status": req.status,
        "message": req.message,
        "contact_email": req.contact_email,
        "contact_phone": req.contact_phone.as_e164 if req.contact_phone else "",
        "submitted_at": utc(req.submitted_at),
        "due_date": req.due_date.isoformat() if req.due_date else None,
        "decided_at": utc(req.decided_at),
        "decided_by": str(req.decided_by) if req.decided_by_id else None,
        "reason": req.reason,
        "history": [
            {
                "at": utc(event.at),
                "what": event.action,
                "from": event.from_status,
                "to": event.to_status,
                "by": str(event.actor) if event.actor_id else None,
                "note": event.note,
            }
            for event in req.events.all()
        ],
    }


def export(*, user) -> dict:
    mine = (
        AuthorisationRequest.objects.filter(applicant=user)
        .select_related("organisation", "decided_by")
        .prefetch_related(Prefetch("events", queryset=RequestEvent.objects.select_related("actor")))
        .order_by("submitted_at", "pk")
    )
    decided = (
        AuthorisationRequest.objects.filter(decided_by=user)
        .exclude(applicant=user)
        .select_related("organisation")
        .order_by("decided_at", "pk")
    )
    validator = Validator.objects.filter(user=user).select_related("authority").first()
    return {
        "requests": (_request(req) for req in mine.iterator(chunk_size=200)),
        "decisions": (
            {
                "reference": req.reference,
                "organisation": req.organisation.name,
                "status": req.status,
                "decided_at": utc(req.decided_at),
                "reason": req.reason,
            }
            for req in decided.iterator(chunk_size=500)
        ),
        "validator": {"authority": validator.authority.name} if validator else None,
    }


def deletion_blockers(*, user) -> list[str]:
    validator = Validator.objects.filter(user=user).select_related("authority").first()
    if validator is None:
        return []
    return [
        _(
            "You are a validator of %(authority)s: ask a site administrator to remove "
            "you from the validators first."
        )
        % {"authority": validator.authority.short_name or validator.authority.name}
    ]


def account_deleting(*, user) -> None:
    # Pending, or waiting for the person's correction: nobody else would act on it.
    for open_request in AuthorisationRequest.objects.filter(
        applicant=user, status__in=OPEN_STATUSES
    ):
        request_withdraw(request=open_request, by=user)
    AuthorisationRequest.objects.filter(applicant=user).update(
        message="", contact_email="", contact_phone=""
    )
