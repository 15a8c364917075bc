"""Workflows of authorisation requests: submit, decide, withdraw, notify.

Views, admin actions and management commands all call these functions.

A decision happens exactly once, even when two validators click at the same
moment: the status changes through a conditional UPDATE
(`... WHERE pk = ? AND status = 'pending'`) and only the caller whose UPDATE
touched the row goes on; the other gets `RequestNotPending`. Every change of
status works so (a correction asked for, resubmitted, withdrawn, expired): a
correction asked while the applicant withdraws has one outcome. On PostgreSQL the
row is also locked first (`select_for_update`) so the loser waits and then reads
the winner's decision; SQLite ignores row locks, but its IMMEDIATE transactions
serialise writers and the conditional UPDATE still decides once.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import log_event
from accounts.services import email_send, notifications_create
from core.text import multiline
from entities.members import MembershipError, membership_grant_admin
from entities.models import Kind, Membership, Organisation, OrganisationAction, OrganisationEvent
from entities.models import Status as OrganisationStatus
from entities.services import (
    OPERATOR_CHANGE_FIELDS,
    operator_change_apply,
    operator_create,
    operator_details_update,
    operator_values,
    operator_with_eori,
    organisation_event_record,
)
from requests_app import notifications
from requests_app.models import (
    OPEN_STATUSES,
    AuthorisationRequest,
    EventAction,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Validator,
    due_date_for,
)
from requests_app.search import refresh_for_organisation, search_text

User = get_user_model()


class RequestError(Exception):
    """A refusal whose message can be shown to the person as it is."""


class RequestNotPending(RequestError):
    pass


class RequestNotAllowed(RequestError):
    pass


class TooManyRequests(RequestError):
    """Submitted too often: the view answers 429."""


# Nobody floods a validator's queue (ASVS V2.4). The requests themselves are the
# counter: exact, and shared by every worker without a cache.
MAX_PENDING_PER_PERSON = 10
MAX_SUBMISSIONS_PER_HOUR = 20


# --- Who may do what -----------------------------------------------------------


def can_decide(*, user, request: AuthorisationRequest) -> bool:
    """Superusers; validators of the authority it is routed to; operator admins (attachments)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.pk == request.applicant_id:
        return False
    if (
        user.is_staff
        and request.routed_to_id is not None
        and Validator.objects.filter(user=user, authority_id=request.routed_to_id).exists()
    ):
        return True
    if request.kind == RequestKind.ATTACHMENT:
        return Membership.objects.filter(
            user=user, organisation_id=request.organisation_id, is_admin=True
        ).exists()
    return False


def can_see(*, user, request: AuthorisationRequest) -> bool:
    return user.pk == request.applicant_id or can_decide(user=user, request=request)


def can_manage_admins(*, user, organisation: Organisation) -> bool:
    """Superusers and validators of the organisation's country's competent authority."""
    if user.is_superuser:
        return True
    authority = Organisation.objects.central_authority_of(organisation.country)
    return (
        authority is not None
        and user.is_staff
        and Validator.objects.filter(user=user, authority=authority).exists()
    )


# --- Submitting ------------------------------------------------------------------


def _check_not_flooding(*, applicant) -> None:
    """Refuse past the caps. Called inside the submission's transaction: the person's
    row is locked first, so that their submissions count one after the other (16 sent
    at once on PostgreSQL would each count 9 pending and all pass); SQLite's IMMEDIATE
    transactions already run them one at a time."""
    User.objects.select_for_update().filter(pk=applicant.pk).values_list("pk").first()
    mine = AuthorisationRequest.objects.filter(applicant=applicant)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    if mine.filter(submitted_at__gte=an_hour_ago).count() >= MAX_SUBMISSIONS_PER_HOUR:
        raise TooManyRequests(
            _("You have sent too many requests in the last hour. Please try again later.")
        )
    if mine.pending().count() >= MAX_PENDING_PER_PERSON:
        raise RequestError(
            _(
                "You already have %(count)d pending requests: wait for a decision, or withdraw "
                "one, before sending another."
            )
            % {"count": MAX_PENDING_PER_PERSON}
        )


def _check_can_request(*, applicant, organisation: Organisation) -> None:
    _check_not_flooding(applicant=applicant)
    if not organisation.accepts_requests:
        raise RequestError(
            _("%(organisation)s is %(status)s: it does not accept requests.")
            % {"organisation": organisation, "status": organisation.get_status_display().lower()}
        )
    if Membership.objects.filter(user=applicant, organisation=organisation).exists():
        raise RequestError(
            _("You are already a member of %(organisation)s.") % {"organisation": organisation}
        )
    if (
        AuthorisationRequest.objects.open()
        .filter(applicant=applicant, organisation=organisation)
        .exists()
    ):
        raise RequestError(
            _("You already have a pending request for %(organisation)s.")
            % {"organisation": organisation}
        )


def request_draft(*, applicant, organisation: Organisation, kind: str) -> AuthorisationRequest:
    """The request as it would be sent now, unsaved: who will decide it, and by when.

    The request dialog shows this before sending; `_create_request` saves it.
    """
    now = timezone.now()
    has_admin = (
        kind == RequestKind.ATTACHMENT
        and organisation.kind == Kind.OPERATOR
        and organisation.pk is not None
        and Membership.objects.filter(organisation=organisation, is_admin=True).exists()
    )
    return AuthorisationRequest(
        applicant=applicant,
        organisation=organisation,
        kind=kind,
        routed_to=Organisation.objects.central_authority_of(organisation.country),
        to_operator_admins=has_admin,
        submitted_at=now,
        due_date=due_date_for(now, organisation.country),
    )


def _create_request(
    *,
    applicant,
    organisation: Organisation,
    kind: str,
    message: str,
    contact_email: str,
    contact_phone: str,
) -> AuthorisationRequest:
    request = request_draft(applicant=applicant, organisation=organisation, kind=kind)
    request.message = multiline(message)
    request.contact_email = contact_email or applicant.email
    request.contact_phone = contact_phone or ""
    request.search_text = search_text(applicant=applicant, organisation=organisation)
    try:
        # A savepoint, so that a lost race leaves the outer transaction usable.
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError as error:
        # Two submissions at once: the one-pending-request constraint kept one.
        raise RequestError(
            _("You already have a pending request for %(organisation)s.")
            % {"organisation": organisation}
        ) from error
    _record(request=request, actor=applicant, action=EventAction.SUBMITTED, from_status="")
    _notify_submitted(request=request)
    return request


@transaction.atomic
def request_submit(
    *,
    applicant,
    organisation: Organisation,
    message: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> AuthorisationRequest:
    """Ask to be attached to an existing organisation."""
    _check_can_request(applicant=applicant, organisation=organisation)
    return _create_request(
        applicant=applicant,
        organisation=organisation,
        kind=RequestKind.ATTACHMENT,
        message=message,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )


@transaction.atomic
def request_submit_new_operator(
    *,
    applicant,
    operator_data: dict,
    message: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> AuthorisationRequest:
    """Create an operator and the request to validate it, together or not at all."""
    _check_not_flooding(applicant=applicant)
    operator = operator_create(data=operator_data, created_by=applicant)
    return _create_request(
        applicant=applicant,
        organisation=operator,
        kind=RequestKind.NEW_OPERATOR,
        message=message,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )


# --- Changes to an operator ---------------------------------------------------------


class ChangeAlreadyOpen(RequestError):
    pass


def _change_open_refusal(operator: Organisation) -> ChangeAlreadyOpen:
    return ChangeAlreadyOpen(
        _(
            "A proposed change to %(organisation)s is already waiting for a decision: "
            "wait for it, or withdraw it, before proposing another."
        )
        % {"organisation": operator}
    )


def change_stale_fields(request: AuthorisationRequest) -> list[str]:
    """The proposal's fields whose validated value has changed since it was made."""
    if not request.is_change:
        return []
    current = operator_values(request.organisation)
    based_on = request.proposal.get("based_on", {})
    return [field for field, value in based_on.items() if current.get(field) != value]


@transaction.atomic
def change_propose(
    *, operator: Organisation, proposed: dict, by, message: str = ""
) -> AuthorisationRequest:
    """An operator's administrator proposes new details: a request of kind Change, routed
    like the others. The operator keeps its validated values until it is approved."""
    if not Membership.objects.filter(user=by, organisation=operator, is_admin=True).exists():
        raise RequestNotAllowed(_("Only the administrators of an operator can propose a change."))
    _check_not_flooding(applicant=by)
    # One proposal at a time per operator, also when two administrators send at once.
    operator = Organisation.objects.select_for_update().get(pk=operator.pk)
    if operator.kind != Kind.OPERATOR or operator.status != OrganisationStatus.VALID:
        raise RequestError(
            _(
                "Only the details of a valid operator can be changed: "
                "%(organisation)s is %(status)s."
            )
            % {"organisation": operator, "status": operator.get_status_display().lower()}
        )
    current, proposed = _proposed_changes(operator, proposed)
    if (
        AuthorisationRequest.objects.open()
        .filter(organisation=operator, kind=RequestKind.CHANGE)
        .exists()
    ):
        raise _change_open_refusal(operator)
    request = request_draft(applicant=by, organisation=operator, kind=RequestKind.CHANGE)
    request.message = multiline(message)
    request.contact_email = by.email
    request.proposal = {
        "proposed": proposed,
        "based_on": {field: current[field] for field in proposed},
    }
    request.search_text = search_text(applicant=by, organisation=operator)
    try:
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError as error:
        raise _change_open_refusal(operator) from error
    _record(request=request, actor=by, action=EventAction.SUBMITTED, from_status="")
    organisation_event_record(
        organisation=operator,
        action=OrganisationAction.CHANGE_PROPOSED,
        actor=by,
        note=request.reference,
        changes={field: [current[field], value] for field, value in proposed.items()},
    )
    _notify_submitted(request=request)
    return request


def _proposed_changes(operator: Organisation, proposed: dict) -> tuple[dict, dict]:
    """The operator's validated values, and the proposed ones that differ from them;
    refused when nothing differs or when the new EORI is another operator's."""
    current = operator_values(operator)
    proposed = {
        field: value
        for field, value in proposed.items()
        if field in OPERATOR_CHANGE_FIELDS and current[field] != value
    }
    if not proposed:
        raise RequestError(_("Nothing is changed: change at least one detail before sending."))
    if proposed.get("eori"):
        holder = operator_with_eori(proposed["eori"], exclude_pk=operator.pk)
        if holder:
            raise RequestError(
                _("The EORI number %(eori)s already belongs to %(organisation)s.")
                % {"eori": proposed["eori"], "organisation": holder}
            )
    return current, proposed


def _change_correct(*, request: AuthorisationRequest, proposed: dict) -> None:
    """A proposal corrected by its author: the same checks as when it was made."""
    operator = Organisation.objects.select_for_update().get(pk=request.organisation_id)
    current, proposed = _proposed_changes(operator, proposed)
    proposal = {"proposed": proposed, "based_on": {field: current[field] for field in proposed}}
    AuthorisationRequest.objects.filter(pk=request.pk).update(proposal=proposal)
    request.proposal = proposal


def _apply_change(*, request: AuthorisationRequest, decided_by) -> None:
    try:
        operator_change_apply(
            operator=request.organisation,
            proposed=request.proposal.get("proposed", {}),
            actor=decided_by,
            note=request.reference,
        )
    except ValidationError as error:
        # The transaction is rolled back: the request stays pending, the operator unchanged.
        raise RequestError(
            _("The change cannot be applied: %(errors)s") % {"errors": "; ".join(error.messages)}
        ) from error


# --- Deciding ----------------------------------------------------------------------


def _no_longer(fresh: AuthorisationRequest, expected: str) -> RequestNotPending:
    """The refusal of a change that lost a race: what the request has become."""
    if fresh.status == RequestStatus.CORRECTION_REQUESTED:
        return RequestNotPending(
            _("This request is waiting for its author's correction: it cannot be changed now.")
        )
    if fresh.status == RequestStatus.PENDING:
        return RequestNotPending(_("This request is pending again: it has been resubmitted."))
    if expected == RequestStatus.CORRECTION_REQUESTED:
        return RequestNotPending(
            _("This request is no longer waiting for a correction: it has been %(status)s.")
            % {"status": fresh.get_status_display().lower()}
        )
    return RequestNotPending(
        _("This request is no longer pending: it has been %(status)s.")
        % {"status": fresh.get_status_display().lower()}
    )


def _transition(
    *,
    request: AuthorisationRequest,
    from_status: str,
    to_status: str,
    actor,
    action: str,
    note: str = "",
    **changes,
) -> AuthorisationRequest:
    """Move a request from `from_status` to `to_status` exactly once, with `changes`
    to its columns, and record it; raise RequestNotPending when it is no longer in
    `from_status` (someone else changed it first)."""
    # PostgreSQL: wait for a concurrent change to commit, then see it.
    AuthorisationRequest.objects.select_for_update().filter(pk=request.pk).first()
    changed = AuthorisationRequest.objects.filter(pk=request.pk, status=from_status).update(
        status=to_status, **changes
    )
    fresh = AuthorisationRequest.objects.with_related().get(pk=request.pk)
    if not changed:
        raise _no_longer(fresh, from_status)
    _record(request=fresh, actor=actor, action=action, from_status=from_status, note=note)
    return fresh


def _close(
    *,
    request: AuthorisationRequest,
    to_status: str,
    actor,
    reason: str = "",
    from_status: str = RequestStatus.PENDING,
    action: str | None = None,
) -> AuthorisationRequest:
    """Close an open request (decided, withdrawn, expired) exactly once."""
    return _transition(
        request=request,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        action=action or to_status,
        note=reason,
        decided_by=actor,
        decided_at=timezone.now(),
        reason=reason,
    )


def _check_can_decide(*, user, request: AuthorisationRequest) -> None:
    if not can_decide(user=user, request=request):
        raise RequestNotAllowed(_("You may not decide this request."))


@transaction.atomic
def request_approve(*, request: AuthorisationRequest, decided_by) -> AuthorisationRequest:
    """Approve: a new operator becomes Valid with the applicant as its administrator;
    an attachment creates the membership (an operator's first approved member administers it)."""
    _check_can_decide(user=decided_by, request=request)
    _check_still_open(request)
    request = _close(request=request, to_status=RequestStatus.APPROVED, actor=decided_by)
    organisation = request.organisation
    if request.kind == RequestKind.CHANGE:
        _apply_change(request=request, decided_by=decided_by)
        _notify_decided(request=request)
        return request
    if request.kind == RequestKind.NEW_OPERATOR:
        validated = Organisation.objects.filter(
            pk=organisation.pk, status=OrganisationStatus.NEW
        ).update(status=OrganisationStatus.VALID)
        if validated:
            organisation_event_record(
                organisation=organisation,
                action=OrganisationAction.VALIDATED,
                actor=decided_by,
                note=request.reference,
            )
        is_admin = True
    else:
        is_admin = (
            organisation.kind == Kind.OPERATOR
            and not Membership.objects.filter(organisation=organisation, is_admin=True).exists()
        )
    membership, created = Membership.objects.get_or_create(
        user=request.applicant, organisation=organisation, defaults={"is_admin": is_admin}
    )
    granted = is_admin and (created or not membership.is_admin)
    if not created and granted:
        membership.is_admin = True
        membership.save(update_fields=["is_admin"])
    for action, happened in (
        (OrganisationAction.MEMBER_ADDED, created),
        (OrganisationAction.ADMIN_GRANTED, granted),
    ):
        if happened:
            organisation_event_record(
                organisation=organisation,
                action=action,
                actor=decided_by,
                subject=request.applicant,
                note=request.reference,
            )
    _notify_decided(request=request)
    return request


def _check_still_open(request: AuthorisationRequest) -> None:
    """Nobody joins an organisation that no longer accepts requests (its creation
    rejected, or suspended). Its row is locked first: a rejection of its creation
    running at the same moment finishes, then this sees it."""
    if request.kind != RequestKind.ATTACHMENT:
        return
    organisation = (
        Organisation.objects.select_for_update()
        .only("status", "name")
        .get(pk=request.organisation_id)
    )
    if not organisation.accepts_requests:
        raise RequestError(
            _(
                "%(organisation)s accepts no requests (status: %(status)s): this request "
                "cannot be approved."
            )
            % {"organisation": organisation.name, "status": organisation.get_status_display()}
        )


@transaction.atomic
def request_reject(
    *, request: AuthorisationRequest, decided_by, reason: str
) -> AuthorisationRequest:
    """Reject with a reason the applicant reads; a new operator becomes Rejected."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Give the reason for the rejection: the applicant will read it."))
    _check_can_decide(user=decided_by, request=request)
    request = _close(
        request=request, to_status=RequestStatus.REJECTED, actor=decided_by, reason=reason
    )
    if request.kind == RequestKind.NEW_OPERATOR:
        _reject_new_operator(request.organisation, actor=decided_by, note=reason)
    if request.kind == RequestKind.CHANGE:
        organisation_event_record(
            organisation=request.organisation,
            action=OrganisationAction.CHANGE_REJECTED,
            actor=decided_by,
            note=f"{request.reference}: {reason}",
        )
    _notify_decided(request=request)
    return request


@transaction.atomic
def request_withdraw(*, request: AuthorisationRequest, by) -> AuthorisationRequest:
    """The applicant takes back an open request (pending, or waiting for their correction).

    It is withdrawn from the status the applicant saw (`request.status`): if a
    validator asked for a correction meanwhile, the applicant is told and reads
    the reason before choosing again.
    """
    if by.pk != request.applicant_id:
        raise RequestNotAllowed(_("Only the person who sent a request may withdraw it."))
    seen = request.status if request.status in OPEN_STATUSES else RequestStatus.PENDING
    request = _close(request=request, to_status=RequestStatus.WITHDRAWN, actor=by, from_status=seen)
    if request.kind == RequestKind.NEW_OPERATOR:
        # Nobody will validate it now: free its EORI rather than leave an orphan behind.
        _reject_new_operator(request.organisation, actor=by, note=_("Request withdrawn"))
    return request


# --- Correction ----------------------------------------------------------------------


@transaction.atomic
def request_ask_correction(
    *, request: AuthorisationRequest, decided_by, reason: str
) -> AuthorisationRequest:
    """Send a pending request back to its author with what to correct.

    It waits for them (Correction requested) until they resubmit it, withdraw it,
    or leave it CORRECTION_EXPIRY_DAYS (then it is closed as withdrawn).
    """
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Say what to correct: the applicant will read it."))
    _check_can_decide(user=decided_by, request=request)
    request = _transition(
        request=request,
        from_status=RequestStatus.PENDING,
        to_status=RequestStatus.CORRECTION_REQUESTED,
        actor=decided_by,
        action=EventAction.CORRECTION_ASKED,
        note=reason,
        reason=reason,
        correction_requested_at=timezone.now(),
        correction_warned_at=None,
    )
    applicant = request.applicant
    _notify(request=request, users=[applicant], verb=notifications.CORRECTION, reason=reason)
    if applicant.notify_decisions_by_email:
        _send(user=applicant, prefix="correction", context={"request": request})
    return request


@transaction.atomic
def request_resubmit(
    *,
    request: AuthorisationRequest,
    by,
    message: str,
    contact_email: str,
    contact_phone: str,
    operator_data: dict | None = None,
    proposed: dict | None = None,
) -> AuthorisationRequest:
    """The applicant's corrected request is Pending again, due two working days from now.

    `proposed` (a Change: OperatorChangeForm.proposed_changes()): the corrected
    proposal, based on the operator's validated values as they are now.

    `operator_data` (OperatorForm.cleaned_data, validated with the operator itself
    left out of the duplicate checks): a new operator's corrected details, written
    to its row only now, when the request is resubmitted.
    """
    if by.pk != request.applicant_id:
        raise RequestNotAllowed(_("Only the person who sent a request may correct it."))
    organisation = request.organisation
    new_operator = (
        request.kind == RequestKind.NEW_OPERATOR
        and organisation.status == OrganisationStatus.NEW
        and operator_data is not None
    )
    country = operator_data["country"] if new_operator else organisation.country
    if request.kind == RequestKind.CHANGE and proposed is not None:
        _change_correct(request=request, proposed=proposed)
    now = timezone.now()
    request = _transition(
        request=request,
        from_status=RequestStatus.CORRECTION_REQUESTED,
        to_status=RequestStatus.PENDING,
        actor=by,
        action=EventAction.RESUBMITTED,
        reason="",
        message=multiline(message),
        contact_email=contact_email or by.email,
        contact_phone=contact_phone or "",
        due_date=due_date_for(now, country),
        correction_warned_at=None,
    )
    if new_operator:
        operator_details_update(
            operator=request.organisation, data=operator_data, actor=by, note=request.reference
        )
        request = AuthorisationRequest.objects.with_related().get(pk=request.pk)
    deciders = list(deciders_of(request).exclude(pk=by.pk))
    _notify(request=request, users=deciders, verb=notifications.RESUBMITTED)
    for user in deciders:
        if user.notify_new_requests_by_email:
            _send(
                user=user,
                prefix="new_request",
                context={
                    "request": request,
                    "decide_path": _decide_path(request, user=user),
                    "resubmitted": True,
                },
            )
    return request


def _reject_new_operator(organisation: Organisation, *, actor, note: str = "") -> None:
    """A new operator nobody will validate becomes Rejected, and the requests to join it
    are closed with it (none could ever be approved)."""
    rejected = Organisation.objects.filter(
        pk=organisation.pk, status=OrganisationStatus.NEW
    ).update(status=OrganisationStatus.REJECTED)
    if rejected:
        organisation_event_record(
            organisation=organisation, action=OrganisationAction.REJECTED, actor=actor, note=note
        )
        _close_requests_to_rejected(organisation, actor=actor)


def _close_requests_to_rejected(organisation: Organisation, *, actor) -> None:
    """Reject the pending requests to join an operator whose creation was rejected,
    with a reason each applicant reads (in their e-mail language) and their history keeps."""
    others = (
        AuthorisationRequest.objects.pending()
        .filter(organisation=organisation, kind=RequestKind.ATTACHMENT)
        .select_related("applicant")
    )
    for other in others:
        with translation.override(other.applicant.email_language):
            reason = _(
                "The creation of %(organisation)s was not validated: nobody can join it. "
                "Search the directory for the operator you work for."
            ) % {"organisation": organisation.name}
        try:
            closed = _close(
                request=other, to_status=RequestStatus.REJECTED, actor=actor, reason=reason
            )
        except RequestNotPending:
            continue  # withdrawn or decided meanwhile
        _notify_decided(request=closed)


@transaction.atomic
def request_correction_warn(*, request: AuthorisationRequest) -> bool:
    """Tell the author, once per correction, that their uncorrected request closes in a week.

    False when someone else warned them first or the request left correction."""
    warned = AuthorisationRequest.objects.filter(
        pk=request.pk,
        status=RequestStatus.CORRECTION_REQUESTED,
        correction_warned_at__isnull=True,
    ).update(correction_warned_at=timezone.now())
    if not warned:
        return False
    request = AuthorisationRequest.objects.with_related().get(pk=request.pk)
    applicant = request.applicant
    _notify(
        request=request, users=[applicant], verb=notifications.CORRECTION, reason=request.reason
    )
    if applicant.notify_decisions_by_email:
        _send(user=applicant, prefix="correction_warning", context={"request": request})
    return True


@transaction.atomic
def request_correction_expire(*, request: AuthorisationRequest) -> AuthorisationRequest:
    """Close a request left in correction CORRECTION_EXPIRY_DAYS as withdrawn (by nobody)."""
    request = _close(
        request=request,
        to_status=RequestStatus.WITHDRAWN,
        actor=None,
        from_status=RequestStatus.CORRECTION_REQUESTED,
        action=EventAction.EXPIRED,
    )
    if request.kind == RequestKind.NEW_OPERATOR:
        _reject_new_operator(
            request.organisation, actor=None, note=_("Request not corrected within 30 days")
        )
    applicant = request.applicant
    _notify(request=request, users=[applicant], verb=notifications.EXPIRED)
    if applicant.notify_decisions_by_email:
        _send(user=applicant, prefix="correction_expired", context={"request": request})
    return request


@transaction.atomic
def request_escalate(*, request: AuthorisationRequest) -> bool:
    """An overdue request to an operator's administrators goes to the competent authority
    as well: recorded once (its history says so), its validators told in the portal.

    False when it was escalated already or is no longer pending."""
    escalated = AuthorisationRequest.objects.filter(
        pk=request.pk,
        status=RequestStatus.PENDING,
        to_operator_admins=True,
        escalated_at__isnull=True,
    ).update(escalated_at=timezone.now())
    if not escalated:
        return False
    request = AuthorisationRequest.objects.with_related().get(pk=request.pk)
    authority = request.routed_to
    note = authority.short_name or authority.name if authority else _("the site administrators")
    _record(
        request=request,
        actor=None,
        action=EventAction.ESCALATED,
        from_status=RequestStatus.PENDING,
        note=str(note),
    )
    admins = set(
        Membership.objects.filter(organisation=request.organisation, is_admin=True).values_list(
            "user_id", flat=True
        )
    )
    newly = [user for user in deciders_of(request) if user.pk not in admins]
    _notify(request=request, users=newly, verb=notifications.ESCALATED)
    return True


# --- Operator administrators -------------------------------------------------------


@transaction.atomic
def admin_grant(*, membership: Membership, by) -> Membership:
    """Make a member an administrator of their operator (the competent authority decides)."""
    if not can_manage_admins(user=by, organisation=membership.organisation):
        raise RequestNotAllowed(_("You may not change the administrators of this organisation."))
    try:
        membership_grant_admin(membership=membership, by=by, by_authority=True)
    except MembershipError as error:
        raise RequestError(str(error)) from error
    membership.is_admin = True
    return membership


@transaction.atomic
def admin_revoke(*, membership: Membership, by) -> Membership:
    if not can_manage_admins(user=by, organisation=membership.organisation):
        raise RequestNotAllowed(_("You may not change the administrators of this organisation."))
    Membership.objects.filter(pk=membership.pk).update(is_admin=False)
    membership.is_admin = False
    organisation_event_record(
        organisation=membership.organisation,
        action=OrganisationAction.ADMIN_REVOKED,
        actor=by,
        subject=membership.user,
    )
    return membership


# --- Duplicates and suspension (validators) --------------------------------------------


def _members_of(*organisations):
    return list(
        User.objects.filter(memberships__organisation__in=organisations, is_active=True).distinct()
    )


def _tell(*, users, verb: str, prefix: str, context: dict, url: str, actor=None, **params):
    """An in-portal notice and an e-mail (in each person's language) about an organisation."""
    notifications_create(users=users, verb=verb, actor=actor, url=url, **params)
    for user in users:
        _send(user=user, prefix=prefix, context=context)


@transaction.atomic
def operator_merge(*, duplicate: Organisation, keep: Organisation, by) -> Organisation:
    """Merge a duplicate operator into the one that stays, in one transaction.

    Its members join the one that stays (a person member of both keeps one
    membership, an administrator of either stays one), its requests and history
    move there; it keeps its row, Merged, pointing to the one that stays (its page
    redirects there), and its EORI no longer counts (the constraint exempts it).
    Its open requests move too, unless their author already has one open for the
    operator that stays or belongs to it: those are closed as withdrawn, and so are
    the open requests to create the duplicate (nothing is left to create) and its
    proposed changes (made on its values, not on those of the one that stays).
    The members of both are told.
    """
    if duplicate.pk == keep.pk:
        raise RequestError(_("Choose another operator: an operator cannot be merged into itself."))
    rows = {
        o.pk: o
        for o in Organisation.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, keep.pk])
        .order_by("pk")
    }
    duplicate, keep = rows[duplicate.pk], rows[keep.pk]
    for organisation in (duplicate, keep):
        if not organisation.is_operator:
            raise RequestError(_("Only operators are merged."))
        if not can_manage_admins(user=by, organisation=organisation):
            raise RequestNotAllowed(_("You may not merge operators of another authority."))
    if duplicate.is_merged:
        raise RequestError(
            _("%(operator)s has already been merged.") % {"operator": duplicate.name}
        )
    if keep.status not in (
        OrganisationStatus.NEW,
        OrganisationStatus.VALID,
        OrganisationStatus.SUSPENDED,
    ):
        raise RequestError(
            _("%(operator)s is %(status)s: choose another operator to keep.")
            % {"operator": keep.name, "status": keep.get_status_display().lower()}
        )
    told = _members_of(duplicate, keep)
    # Members: one membership per person, the strongest rights kept.
    kept = {m.user_id: m for m in Membership.objects.filter(organisation=keep)}
    for membership in Membership.objects.filter(organisation=duplicate).order_by("pk"):
        same = kept.get(membership.user_id)
        if same is None:
            Membership.objects.filter(pk=membership.pk).update(organisation=keep)
            continue
        if membership.is_admin and not same.is_admin:
            Membership.objects.filter(pk=same.pk).update(is_admin=True)
        membership.delete()
    # Open requests that cannot move (see above) are closed first.
    members_of_keep = set(
        Membership.objects.filter(organisation=keep).values_list("user_id", flat=True)
    )
    open_on_keep = set(
        AuthorisationRequest.objects.open()
        .filter(organisation=keep)
        .values_list("applicant_id", flat=True)
    )
    note = _("Merged into %(operator)s") % {"operator": keep.name}
    for request in AuthorisationRequest.objects.open().filter(organisation=duplicate):
        if (
            request.kind == RequestKind.NEW_OPERATOR
            # A proposed change was made on the duplicate's values: it cannot apply to keep.
            or request.kind == RequestKind.CHANGE
            or request.applicant_id in members_of_keep
            or request.applicant_id in open_on_keep
        ):
            _close(
                request=request,
                to_status=RequestStatus.WITHDRAWN,
                actor=by,
                reason=note,
                from_status=request.status,
            )
    AuthorisationRequest.objects.filter(organisation=duplicate).update(organisation=keep)
    # The history moves with them (the trigger lets organisation_id, and only it, change).
    OrganisationEvent.objects.filter(organisation=duplicate).update(organisation=keep)
    Organisation.objects.filter(pk=duplicate.pk).update(
        status=OrganisationStatus.MERGED, merged_into=keep, updated_at=timezone.now()
    )
    duplicate.status, duplicate.merged_into = OrganisationStatus.MERGED, keep
    organisation_event_record(
        organisation=duplicate, action=OrganisationAction.MERGED_INTO, actor=by, note=keep.name
    )
    organisation_event_record(
        organisation=keep,
        action=OrganisationAction.MERGED_FROM,
        actor=by,
        note=f"{duplicate.name} ({duplicate.eori})" if duplicate.eori else duplicate.name,
    )
    refresh_for_organisation(keep)
    _tell(
        users=told,
        verb=notifications.MERGED,
        prefix="operator_merged",
        context={"duplicate": duplicate, "keep": keep},
        url=reverse("entities:organisation", args=[keep.pk]),
        duplicate=duplicate.name,
        organisation=keep.name,
    )
    return keep


def _suspension(*, operator: Organisation, by, reason: str, suspend: bool) -> Organisation:
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Give the reason: the operator's members will read it."))
    if not operator.is_operator:
        raise RequestError(_("Only operators are suspended."))
    if not can_manage_admins(user=by, organisation=operator):
        raise RequestNotAllowed(_("You may not suspend or reinstate this operator."))
    before, after = (
        (OrganisationStatus.VALID, OrganisationStatus.SUSPENDED)
        if suspend
        else (OrganisationStatus.SUSPENDED, OrganisationStatus.VALID)
    )
    changed = Organisation.objects.filter(pk=operator.pk, status=before).update(
        status=after, status_reason=reason if suspend else "", updated_at=timezone.now()
    )
    if not changed:
        operator.refresh_from_db()
        raise RequestError(
            _("%(operator)s is %(status)s: it cannot be %(action)s.")
            % {
                "operator": operator.name,
                "status": operator.get_status_display().lower(),
                "action": _("suspended") if suspend else _("reinstated"),
            }
        )
    operator.refresh_from_db()
    organisation_event_record(
        organisation=operator,
        action=OrganisationAction.SUSPENDED if suspend else OrganisationAction.REINSTATED,
        actor=by,
        note=reason,
    )
    _tell(
        users=_members_of(operator),
        verb=notifications.SUSPENDED if suspend else notifications.REINSTATED,
        prefix="operator_suspended" if suspend else "operator_reinstated",
        context={"operator": operator, "reason": reason},
        url=reverse("entities:organisation", args=[operator.pk]),
        organisation=operator.name,
        reason=reason,
    )
    return operator


@transaction.atomic
def operator_suspend(*, operator: Organisation, by, reason: str) -> Organisation:
    """A valid operator becomes Suspended: it accepts no new request; its members read why."""
    return _suspension(operator=operator, by=by, reason=reason, suspend=True)


@transaction.atomic
def operator_reinstate(*, operator: Organisation, by, reason: str) -> Organisation:
    """A suspended operator is Valid again; its members are told why."""
    return _suspension(operator=operator, by=by, reason=reason, suspend=False)


# --- History and notifications -------------------------------------------------------


def _record(*, request, actor, action: str, from_status: str, note: str = "") -> RequestEvent:
    """One row of the request's append-only history, and the same facts in the security log."""
    event = RequestEvent.objects.create(
        request=request,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=request.status,
        note=note,
    )
    log_event(
        f"request.{action}",
        user=actor,
        request_id=request.pk,
        from_status=from_status,
        to_status=request.status,
    )
    return event


def deciders_of(request: AuthorisationRequest):
    """The people who decide a request: its operator's administrators (an attachment to an
    operator that has some), the validators of the authority it is routed to (or the
    site administrators), or both once a request to the administrators is escalated."""
    admins = Q(memberships__organisation=request.organisation, memberships__is_admin=True)
    if request.routed_to_id is None:
        authority = Q(is_superuser=True)
    else:
        authority = Q(validator__authority_id=request.routed_to_id, is_staff=True)
    if request.to_operator_admins and request.escalated_at is None:
        who = admins
    elif request.to_operator_admins:
        who = admins | authority
    else:
        who = authority
    return User.objects.filter(who, is_active=True).distinct()


def portal_url() -> str:
    """The portal's address for links in e-mails (PORTAL_URL, else the development server)."""
    return getattr(settings, "PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")


def _send(*, user, prefix: str, context: dict) -> None:
    # Dates in the e-mail are in the recipient's time zone, words in their e-mail language.
    with timezone.override(user.time_zone), translation.override(user.email_language):
        email_send(
            to=user.email,
            template_prefix=f"requests_app/email/{prefix}",
            context={
                "recipient": user,
                "user": user,
                "portal_url": portal_url(),
                "help_url": portal_url() + reverse("help"),
                **context,
            },
            language=user.email_language,
        )


def _notify(*, request: AuthorisationRequest, users, verb: str, **params) -> None:
    """An in-portal notice about `request` (requests_app/notifications.py has the sentences)."""
    notifications_create(
        users=users,
        verb=verb,
        actor=request.applicant,
        url=reverse("requests:detail", args=[request.pk]),
        organisation=request.organisation.name,
        **params,
    )


def _notify_submitted(*, request: AuthorisationRequest) -> None:
    applicant = request.applicant
    change = request.is_change
    receipt = notifications.CHANGE_RECEIPT if change else notifications.RECEIPT
    _notify(request=request, users=[applicant], verb=receipt)
    _send(user=applicant, prefix="receipt", context={"request": request})
    deciders = list(deciders_of(request).exclude(pk=applicant.pk))
    new = notifications.NEW_CHANGE if change else notifications.NEW_REQUEST
    _notify(request=request, users=deciders, verb=new)
    for user in deciders:
        if user.notify_new_requests_by_email:
            _send(
                user=user,
                prefix="new_request",
                context={"request": request, "decide_path": _decide_path(request, user=user)},
            )


def _decide_path(request: AuthorisationRequest, *, user=None) -> str:
    """Where a decider decides: operator administrators in the portal, staff in the admin."""
    if request.to_operator_admins and (user is None or not user.is_staff):
        return reverse("requests:detail", args=[request.pk])
    return reverse("admin:requests_app_authorisationrequest_change", args=[request.pk])


def _notify_decided(*, request: AuthorisationRequest) -> None:
    applicant = request.applicant
    approved = request.status == RequestStatus.APPROVED
    if request.is_change:
        verb = notifications.CHANGE_APPROVED if approved else notifications.CHANGE_REJECTED
    else:
        verb = notifications.APPROVED if approved else notifications.REJECTED
    _notify(request=request, users=[applicant], verb=verb)
    if applicant.notify_decisions_by_email:
        _send(user=applicant, prefix="decision", context={"request": request})


def reminder_send(*, user, due_soon: list, overdue: list, due_soon_more=0, overdue_more=0):
    """One decider's daily reminder: requests due by the next working day, and overdue ones."""

    def rows(requests):
        return [{"request": r, "path": _decide_path(r, user=user)} for r in requests]

    _send(
        user=user,
        prefix="reminder",
        context={
            "due_soon": rows(due_soon),
            "overdue": rows(overdue),
            "due_soon_more": due_soon_more,
            "overdue_more": overdue_more,
        },
    )


# --- Validators ---------------------------------------------------------------------

VALIDATORS_GROUP = "Validators"
# Validating needs to see requests and decide them, and to see operators: nothing else.
VALIDATOR_PERMISSIONS = [
    ("requests_app", "view_authorisationrequest"),
    ("requests_app", "decide_authorisationrequest"),
    # The operators of their country, read-only, to merge duplicates and suspend.
    ("entities", "view_operator"),
]


def validators_group():
    """The "Validators" group with exactly the permissions validating needs (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=VALIDATORS_GROUP)
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in VALIDATOR_PERMISSIONS
    ]
    group.permissions.set(permissions)
    return group


def find_authority(name_or_code: str) -> Organisation:
    """An authority by its short name (INAO), code or name, ignoring case."""
    from django.db.models import Q

    value = name_or_code.strip()
    matches = list(
        Organisation.objects.authorities()
        .filter(Q(short_name__iexact=value) | Q(code__iexact=value) | Q(name__iexact=value))
        .order_by("pk")[:2]
    )
    if not matches:
        raise RequestError(_("No authority is called %(name)s.") % {"name": value})
    if len(matches) > 1:
        raise RequestError(
            _("Several authorities match %(name)s: give its code.") % {"name": value}
        )
    return matches[0]


@transaction.atomic
def validator_create(
    *,
    email: str,
    authority: Organisation,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
):
    """A staff user in the Validators group, bound to one authority. Idempotent on the e-mail."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name or _("Validator"),
            last_name=last_name or (authority.short_name or authority.name),
        )
    elif password:
        user.set_password(password)
    user.is_staff = True
    user.is_active = True
    user.save()
    user.groups.add(validators_group())
    Validator.objects.update_or_create(user=user, defaults={"authority": authority})
    from allauth.account.models import EmailAddress

    # The person is created by an administrator: the address is taken as proven.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
