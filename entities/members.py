"""An organisation's members keep it right themselves: the services of the members page.

Remove a member, grant or remove administrator rights, leave, write to the
administrators. Every change is one row of the organisation's history
(entities.OrganisationEvent) and the person it is about is told by e-mail, in
their e-mail language, and in the portal (accounts.Notification).

An organisation never loses its last administrator by its members' actions.
Two administrators demoting each other at the same moment must leave one, so
each change that takes administrator rights away runs under a lock on the
organisation's row (`select_for_update`: the second waits for the first to
commit, then counts again) and changes the membership by a conditional UPDATE
that touches the row only while another administrator remains. SQLite ignores
row locks, but its IMMEDIATE transactions serialise writers, and the
conditional UPDATE decides the same way there.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import (
    email_language_for,
    email_send,
    notifications_create,
    render_email,
)
from accounts.tasks import deliver_email
from core.text import multiline
from entities.models import Invitation, Membership, Organisation, OrganisationAction
from entities.services import organisation_event_record


class MembershipError(Exception):
    """A refusal whose message can be shown to the person as it is."""


class NotAllowed(MembershipError):
    pass


class LastAdministrator(MembershipError):
    pass


class TooManyMessages(MembershipError):
    """Written too often: the view answers 429."""


# The in-portal notices of this module (accounts.notifications has the mechanism):
# `%(actor)s` is the person who made the change.
MEMBER_REMOVED = "member.removed"
MEMBER_LEFT = "member.left"
ADMIN_GRANTED = "member.admin_granted"
ADMIN_REVOKED = "member.admin_revoked"
ADMINISTRATORS_CONTACTED = "member.contacted"
INVITATION_ACCEPTED = "member.invitation_accepted"
SENTENCES = {
    MEMBER_REMOVED: gettext_lazy("%(actor)s removed you from %(organisation)s."),
    MEMBER_LEFT: gettext_lazy("%(actor)s left %(organisation)s."),
    ADMIN_GRANTED: gettext_lazy("%(actor)s made you an administrator of %(organisation)s."),
    ADMIN_REVOKED: gettext_lazy(
        "%(actor)s removed your administrator rights for %(organisation)s."
    ),
    ADMINISTRATORS_CONTACTED: gettext_lazy(
        "%(actor)s wrote to the administrators of %(organisation)s."
    ),
    INVITATION_ACCEPTED: gettext_lazy(
        "%(actor)s accepted the invitation to join %(organisation)s."
    ),
}

# A member writes to the administrators at most this often (a shared cache counts).
CONTACT_MESSAGES_PER_HOUR = 5
CONTACT_MESSAGE_MAX_LENGTH = 2000


def portal_url() -> str:
    return settings.PORTAL_URL.rstrip("/")


def membership_of(*, user, organisation_pk: int) -> Membership | None:
    """The person's membership of the organisation, with the organisation, or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("organisation", "organisation__control_body")
        .filter(user=user, organisation_id=organisation_pk)
        .first()
    )


def _lock(organisation: Organisation) -> None:
    # PostgreSQL: one change of an organisation's members at a time.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _fresh(membership: Membership) -> Membership:
    """The membership as the database has it now (under the lock), or a refusal."""
    fresh = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership.pk).first()
    )
    if fresh is None:
        raise MembershipError(_("This person is no longer a member of this organisation."))
    return fresh


def _check_is_admin(*, by, organisation: Organisation) -> None:
    if not Membership.objects.filter(user=by, organisation=organisation, is_admin=True).exists():
        raise NotAllowed(
            _("Only the administrators of %(organisation)s can do this.")
            % {"organisation": organisation}
        )


def _other_admins(membership: Membership):
    return Membership.objects.filter(
        organisation_id=membership.organisation_id, is_admin=True
    ).exclude(pk=membership.pk)


def _last_admin_refusal(membership: Membership, *, yourself: bool) -> LastAdministrator:
    organisation = membership.organisation
    if yourself:
        text = _(
            "You are the last administrator of %(organisation)s: it would have nobody to "
            "manage its members. Make another member an administrator first."
        )
    else:
        text = _(
            "%(person)s is the last administrator of %(organisation)s: it would have nobody "
            "to manage its members. Make another member an administrator first."
        )
    return LastAdministrator(text % {"organisation": organisation, "person": membership.user})


def _take_admin_rights_away(membership: Membership, *, delete: bool, yourself: bool) -> None:
    """Demote or delete a membership, only while another administrator remains."""
    kept = Membership.objects.filter(pk=membership.pk, is_admin=membership.is_admin)
    if membership.is_admin:
        kept = kept.filter(Exists(_other_admins(membership)))
    done = kept.delete()[0] if delete else kept.update(is_admin=False)
    if not done:
        raise _last_admin_refusal(membership, yourself=yourself)


def _tell(*, user, actor, organisation: Organisation, verb: str, url: str, **context) -> None:
    """The person concerned, in the portal and by e-mail (their language, their zone)."""
    notifications_create(
        users=[user], verb=verb, actor=actor, url=url, organisation=organisation.name
    )
    language = email_language_for(user.email_language)
    with timezone.override(user.time_zone), translation.override(language):
        email_send(
            to=user.email,
            template_prefix="entities/email/membership",
            context={
                "user": user,
                "verb": verb,
                "actor": actor,
                "organisation": organisation,
                "link": portal_url() + url,
                "help_url": portal_url() + reverse("help"),
                **context,
            },
            language=language,
        )


def _record_and_tell(organisation, action, verb, *, by, subject, url: str) -> None:
    """A change of membership: in the organisation's history, and told to whom it is about."""
    organisation_event_record(organisation=organisation, action=action, actor=by, subject=subject)
    _tell(user=subject, actor=by, organisation=organisation, verb=verb, url=url)


def _members_url(organisation: Organisation) -> str:
    return reverse("entities:members", args=[organisation.pk])


def _organisation_url(organisation: Organisation) -> str:
    return reverse("entities:organisation", args=[organisation.pk])


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """An administrator removes another member (never the last administrator)."""
    organisation = membership.organisation
    _lock(organisation)
    _check_is_admin(by=by, organisation=organisation)
    membership = _fresh(membership)
    if membership.user_id == by.pk:
        raise MembershipError(_("To leave the organisation yourself, use Leave this organisation."))
    _take_admin_rights_away(membership, delete=True, yourself=False)
    _record_and_tell(
        organisation,
        OrganisationAction.MEMBER_REMOVED,
        MEMBER_REMOVED,
        by=by,
        subject=membership.user,
        url=_organisation_url(organisation),
    )


@transaction.atomic
def membership_leave(*, membership: Membership, by) -> None:
    """A member leaves (the last administrator cannot); the administrators are told."""
    if membership.user_id != by.pk:
        raise NotAllowed(_("Only the member themselves can leave an organisation."))
    organisation = membership.organisation
    _lock(organisation)
    membership = _fresh(membership)
    _take_admin_rights_away(membership, delete=True, yourself=True)
    _record_and_tell(
        organisation,
        OrganisationAction.MEMBER_LEFT,
        MEMBER_LEFT,
        by=by,
        subject=by,
        url=_organisation_url(organisation),
    )
    admins = [
        m.user
        for m in Membership.objects.filter(organisation=organisation, is_admin=True).select_related(
            "user"
        )
    ]
    notifications_create(
        users=admins,
        verb=MEMBER_LEFT,
        actor=by,
        url=_members_url(organisation),
        organisation=organisation.name,
    )


@transaction.atomic
def membership_grant_admin(*, membership: Membership, by, by_authority: bool = False) -> None:
    """An administrator makes another member an administrator.

    `by_authority`: the competent authority appoints them (the caller has checked that
    `by` may), for instance when the organisation has no administrator left.
    """
    organisation = membership.organisation
    _lock(organisation)
    if not by_authority:
        _check_is_admin(by=by, organisation=organisation)
    membership = _fresh(membership)
    if not Membership.objects.filter(pk=membership.pk, is_admin=False).update(is_admin=True):
        raise MembershipError(
            _("%(person)s is already an administrator.") % {"person": membership.user}
        )
    _record_and_tell(
        organisation,
        OrganisationAction.ADMIN_GRANTED,
        ADMIN_GRANTED,
        by=by,
        subject=membership.user,
        url=_members_url(organisation),
    )


@transaction.atomic
def membership_revoke_admin(*, membership: Membership, by) -> None:
    """An administrator removes administrator rights, their own included, never the last's."""
    organisation = membership.organisation
    _lock(organisation)
    _check_is_admin(by=by, organisation=organisation)
    membership = _fresh(membership)
    if not membership.is_admin:
        raise MembershipError(
            _("%(person)s is not an administrator.") % {"person": membership.user}
        )
    _take_admin_rights_away(membership, delete=False, yourself=membership.user_id == by.pk)
    _record_and_tell(
        organisation,
        OrganisationAction.ADMIN_REVOKED,
        ADMIN_REVOKED,
        by=by,
        subject=membership.user,
        url=_members_url(organisation),
    )


def administrators_contact(*, organisation: Organisation, sender, message: str) -> int:
    """A member writes to the administrators through the portal: their addresses stay
    unseen; they can answer the sender, whose address the e-mail gives. Returns how many
    administrators were written to."""
    if not Membership.objects.filter(user=sender, organisation=organisation).exists():
        raise NotAllowed(
            _("Only the members of %(organisation)s can write to its administrators.")
            % {"organisation": organisation}
        )
    key = f"entities.contact_administrators.{sender.pk}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > CONTACT_MESSAGES_PER_HOUR:
        raise TooManyMessages(
            _(
                "You have written to administrators too often in the last hour. "
                "Please try again later."
            )
        )
    admins = list(
        Membership.objects.filter(organisation=organisation, is_admin=True)
        .exclude(user=sender)
        .select_related("user")
    )
    if not admins:
        raise MembershipError(
            _("%(organisation)s has no other administrator to write to.")
            % {"organisation": organisation}
        )
    text = multiline(message)
    url = _members_url(organisation)
    for membership in admins:
        user = membership.user
        language = email_language_for(user.email_language)
        with timezone.override(user.time_zone), translation.override(language):
            email = render_email(
                template_prefix="entities/email/contact_administrators",
                context={
                    "user": user,
                    "sender": sender,
                    "organisation": organisation,
                    "message": text,
                    "link": portal_url() + url,
                    "help_url": portal_url() + reverse("help"),
                },
                language=language,
            )
        # The administrators answer the sender directly; the sender never sees their addresses.
        email.update(to=[user.email], headers={"Reply-To": sender.email})
        deliver_email.enqueue(message=email)
    notifications_create(
        users=[m.user for m in admins],
        verb=ADMINISTRATORS_CONTACTED,
        actor=sender,
        url=url,
        organisation=organisation.name,
    )
    return len(admins)


# --- Invitations ------------------------------------------------------------------------

INVITATION_VALID_FOR = timedelta(days=30)
# An organisation has at most this many invitations waiting; an administrator sends at
# most this many an hour (the invitations themselves are the counter: exact, shared).
MAX_OPEN_INVITATIONS = 25
MAX_INVITATIONS_PER_HOUR = 10


class TooManyInvitations(MembershipError):
    """Sent too often: the view answers 429."""


class InvitationClosed(MembershipError):
    pass


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens (whatever its state), or None."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def invitation_refusal(invitation: Invitation | None) -> str:
    """Why a link no longer works, in words for the person who opened it ("" if it works)."""
    if invitation is None:
        return _("This invitation link is not valid: check that you copied it whole.")
    if invitation.accepted_at:
        return _("This invitation has already been accepted: it can be used once.")
    if invitation.revoked_at:
        return _("This invitation has been withdrawn by an administrator of %(organisation)s.") % {
            "organisation": invitation.organisation
        }
    if invitation.expires_at <= timezone.now():
        return _(
            "This invitation has expired (it was valid for 30 days): ask an administrator of "
            "%(organisation)s to invite you again."
        ) % {"organisation": invitation.organisation}
    return ""


@transaction.atomic
def invitation_send(*, organisation: Organisation, email: str, by) -> Invitation:
    """An administrator invites a colleague. The answer is the same whether the address has
    an account or not; only the invitee's own e-mail differs (in their language)."""
    _lock(organisation)
    _check_is_admin(by=by, organisation=organisation)
    organisation.refresh_from_db(fields=["status"])
    if not organisation.accepts_requests:
        raise MembershipError(
            _("%(organisation)s is %(status)s: it does not accept new members.")
            % {"organisation": organisation, "status": organisation.get_status_display().lower()}
        )
    email = email.strip().lower()
    now = timezone.now()
    if (
        Invitation.objects.filter(invited_by=by, created_at__gte=now - timedelta(hours=1)).count()
        >= MAX_INVITATIONS_PER_HOUR
    ):
        raise TooManyInvitations(
            _("You have sent too many invitations in the last hour. Please try again later.")
        )
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise MembershipError(
            _("%(email)s is already a member of %(organisation)s.")
            % {"email": email, "organisation": organisation}
        )
    waiting = Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    )
    # Inviting an address again replaces its earlier invitation (a new link, 30 days more).
    waiting.filter(email__iexact=email).update(revoked_at=now, revoked_by=by)
    if waiting.open(now).count() >= MAX_OPEN_INVITATIONS:
        raise MembershipError(
            _(
                "%(organisation)s already has %(count)d invitations waiting: revoke those "
                "that will not be accepted before sending another."
            )
            % {"organisation": organisation, "count": MAX_OPEN_INVITATIONS}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        token_hash=_token_hash(token),
        invited_by=by,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    # The history says who invited, not whom: the address stays in the invitation's
    # row alone, which deleting the invitee's account deletes (the history cannot be
    # rewritten, and an address is personal data). Who joined is the acceptance's subject.
    organisation_event_record(
        organisation=organisation, action=OrganisationAction.INVITED, actor=by
    )
    invitee = User.objects.filter(email__iexact=email).first()
    language = email_language_for(invitee.email_language if invitee else translation.get_language())
    with (
        timezone.override(invitee.time_zone if invitee else timezone.get_current_timezone()),
        translation.override(language),
    ):
        email_send(
            to=email,
            template_prefix="entities/email/invitation",
            context={
                "user": invitee,
                "inviter": by,
                "organisation": organisation,
                "invitation": invitation,
                "link": portal_url() + reverse("entities:invitation", args=[token]),
                "help_url": portal_url() + reverse("help"),
            },
            language=language,
        )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> None:
    organisation = invitation.organisation
    _lock(organisation)
    _check_is_admin(by=by, organisation=organisation)
    revoked = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_by=by)
    if not revoked:
        raise InvitationClosed(_("This invitation has already been accepted or revoked."))
    organisation_event_record(
        organisation=organisation,
        action=OrganisationAction.INVITATION_REVOKED,
        actor=by,
        note=invitation.email,
    )


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """The invitee, logged in with the invited address, becomes a member: no further
    validation (an administrator invited them); the history says who invited."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise InvitationClosed(invitation_refusal(None))
    organisation = invitation.organisation
    _lock(organisation)
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation.pk
    )
    if refusal := invitation_refusal(invitation):
        raise InvitationClosed(refusal)
    if user.email.lower() != invitation.email.lower():
        raise NotAllowed(
            _(
                "This invitation was sent to another e-mail address. Log in with the "
                "account of the address that received it."
            )
        )
    if not organisation.accepts_requests:
        raise InvitationClosed(
            _("%(organisation)s is %(status)s: it does not accept new members.")
            % {"organisation": organisation, "status": organisation.get_status_display().lower()}
        )
    now = timezone.now()
    accepted = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=now, accepted_by=user)
    if not accepted:
        raise InvitationClosed(_("This invitation has already been accepted: it can be used once."))
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if not created:
        raise MembershipError(
            _("You are already a member of %(organisation)s.") % {"organisation": organisation}
        )
    # Who invited is the history's actor; the new member is who it is about.
    organisation_event_record(
        organisation=organisation,
        action=OrganisationAction.INVITATION_ACCEPTED,
        actor=invitation.invited_by,
        subject=user,
    )
    admins = [
        m.user
        for m in Membership.objects.filter(organisation=organisation, is_admin=True)
        .exclude(user=user)
        .select_related("user")
    ]
    notifications_create(
        users=admins,
        verb=INVITATION_ACCEPTED,
        actor=user,
        url=_members_url(organisation),
        organisation=organisation.name,
    )
    return membership
