"""What this app holds about a person, for the identity app's hooks (accounts.slots).

Download my data: the person's memberships and the organisation history that
names them. Delete my account: refused while they are an organisation's last
administrator; otherwise they leave every organisation, and the history says so.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.services import utc
from entities.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationAction,
    OrganisationEvent,
)
from entities.services import organisation_event_record


def export(*, user) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("pk")
    events = (
        OrganisationEvent.objects.filter(Q(actor=user) | Q(subject=user))
        .select_related("organisation", "actor", "subject")
        .order_by("at", "pk")
    )
    return {
        "memberships": [
            {
                "organisation": m.organisation.name,
                "organisation_id": m.organisation_id,
                "kind": m.organisation.kind,
                "administrator": m.is_admin,
                "since": utc(m.created_at),
            }
            for m in memberships
        ],
        "organisations_created": [
            {"organisation": o.name, "organisation_id": o.pk, "created_at": utc(o.created_at)}
            for o in Organisation.objects.filter(created_by=user).order_by("pk")
        ],
        # Invitations to the person's address, and those they sent (the address they typed).
        "invitations_received": [
            _invitation(i, with_email=False)
            for i in Invitation.objects.filter(email__iexact=user.email)
            .select_related("organisation", "invited_by")
            .order_by("pk")
        ],
        "invitations_sent": [
            _invitation(i, with_email=True)
            for i in Invitation.objects.filter(invited_by=user)
            .select_related("organisation", "invited_by")
            .order_by("pk")
        ],
        "organisation_history": (
            {
                "organisation": e.organisation.name,
                "at": utc(e.at),
                "what": e.action,
                "by": str(e.actor) if e.actor_id else None,
                "about": str(e.subject) if e.subject_id else None,
                "note": e.note,
                "changes": e.changes,
            }
            for e in events.iterator(chunk_size=500)
        ),
    }


def _invitation(invitation: Invitation, *, with_email: bool) -> dict:
    row = {
        "organisation": invitation.organisation.name,
        "invited_by": str(invitation.invited_by),
        "sent": utc(invitation.created_at),
        "expires": utc(invitation.expires_at),
        "accepted": utc(invitation.accepted_at),
        "revoked": utc(invitation.revoked_at),
    }
    if with_email:
        row["email"] = invitation.email
    return row


def last_administered(*, user) -> list[Organisation]:
    """The organisations of which this person is the only administrator."""
    administered = Membership.objects.filter(user=user, is_admin=True).values("organisation")
    return list(
        Organisation.objects.filter(pk__in=administered)
        .annotate(admins=Count("memberships", filter=Q(memberships__is_admin=True)))
        .filter(admins=1)
        .order_by("name")
    )


def deletion_blockers(*, user) -> list[str]:
    return [
        _(
            "You are the last administrator of %(organisation)s: make another member "
            "its administrator first, or ask its competent authority to appoint one."
        )
        % {"organisation": organisation.name}
        for organisation in last_administered(user=user)
    ]


def account_deleting(*, user) -> None:
    """The person leaves each organisation; its history records it. Invitations to
    their address are deleted, accepted ones too (the address goes with the account;
    the history's acceptance names the person, now under their pseudonym)."""
    Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user)).delete()
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        membership.delete()
        organisation_event_record(
            organisation=membership.organisation,
            action=OrganisationAction.MEMBER_LEFT,
            actor=user,
            subject=user,
            note=_("Account deleted"),
        )
