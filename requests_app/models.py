"""Authorisation requests: a person asks to be attached to an organisation (or to create one).

A request is Pending, then Approved, Rejected (with a reason) or Withdrawn by
its author; a validator may instead ask for a correction (Correction requested,
with a reason), and the applicant's corrected request is Pending again. Every
change is written to `RequestEvent`, an append-only table.
"""

from __future__ import annotations

import datetime
import zoneinfo
from functools import lru_cache
from typing import NamedTuple

import holidays
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from core.text import validate_multiline
from entities.models import Membership, Organisation
from entities.text import SearchTextField

# Working days are counted in the EU's working time zone: a request sent at
# 23:30 in Paris is sent on that day, not on the UTC day.
WORKING_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Brussels")
DECISION_WORKING_DAYS = 2
# A request left in correction this long is closed as withdrawn; its author is
# warned CORRECTION_WARNING_DAYS before (requests_app/reminders.py).
CORRECTION_EXPIRY_DAYS = 30
CORRECTION_WARNING_DAYS = 7
MESSAGE_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 1000


@lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[datetime.date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:  # a country the holidays package does not know
        return frozenset()


def is_working_day(day: datetime.date, country: str) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(str(country), day.year)


def working_days_after(start: datetime.date, days: int, country: str) -> datetime.date:
    """The n-th working day after `start`, weekends and the country's public holidays excluded."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, country):
            days -= 1
    return day


def working_today() -> datetime.date:
    return timezone.now().astimezone(WORKING_TIME_ZONE).date()


def due_date_for(submitted_at: datetime.datetime, country: str) -> datetime.date:
    """Two working days after submission (sent Thursday 2 April 2026 in France: due Tuesday 7)."""
    start = submitted_at.astimezone(WORKING_TIME_ZONE).date()
    return working_days_after(start, DECISION_WORKING_DAYS, country)


class RequestKind(models.TextChoices):
    NEW_OPERATOR = "new_operator", _("New operator")
    ATTACHMENT = "attachment", _("Attachment")
    CHANGE = "change", _("Change")


class RequestStatus(models.TextChoices):
    # "request status": in French a request (une demande) is Approuvée, Rejetée,
    # Retirée; an organisation's statuses (entities) agree with un opérateur.
    PENDING = "pending", pgettext_lazy("request status", "Pending")
    APPROVED = "approved", pgettext_lazy("request status", "Approved")
    REJECTED = "rejected", pgettext_lazy("request status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("request status", "Withdrawn")
    CORRECTION_REQUESTED = "correction", pgettext_lazy("request status", "Correction requested")


# Open requests: someone still has to act on them (the decider, or the applicant
# who corrects). One open request per person and organisation.
OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.CORRECTION_REQUESTED)

# The statuses counted in a decider's queue (the admin index, the portal's home),
# each with its own count (requests_app.selectors.queue_counts): a new one is
# added here and counted everywhere.
QUEUE_STATUSES = (RequestStatus.PENDING, RequestStatus.CORRECTION_REQUESTED)


class PendingRequest(NamedTuple):
    """What the organisation page says of a person's pending request to join it."""

    pk: int
    submitted_at: datetime.datetime
    due_date: datetime.date
    status: str = RequestStatus.PENDING

    @property
    def in_correction(self) -> bool:
        return self.status == RequestStatus.CORRECTION_REQUESTED


class AuthorisationRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RequestStatus.PENDING)

    def open(self):
        """Pending or in correction: not closed yet."""
        return self.filter(status__in=OPEN_STATUSES)

    def in_correction(self):
        return self.filter(status=RequestStatus.CORRECTION_REQUESTED)

    def routed_to(self, authority):
        """Routed to an authority; `None` means the site administrators."""
        if authority is None:
            return self.filter(routed_to__isnull=True)
        return self.filter(routed_to=authority)

    def overdue(self, today: datetime.date | None = None):
        return self.pending().filter(due_date__lt=today or working_today())

    def not_overdue(self, today: datetime.date | None = None):
        return self.exclude(status=RequestStatus.PENDING, due_date__lt=today or working_today())

    def with_related(self):
        return self.select_related(
            "applicant", "organisation", "organisation__control_body", "routed_to", "decided_by"
        )

    def for_validator(self, user, *, validator: Validator | None = None):
        """The admin queue of a staff user: all for superusers, their authority's for validators.

        `validator`: the person's Validator row, when the caller has read it already.
        """
        if user.is_superuser:
            return self
        if validator is None and user.is_staff:
            validator = Validator.objects.filter(user=user).first()
        if validator is None:
            return self.none()
        return self.filter(routed_to_id=validator.authority_id)

    def standing(self, *, user, organisation) -> tuple[bool, PendingRequest | None]:
        """Whether `user` is a member of `organisation`, and their pending request to join it.

        One statement (the organisation page asks on every visit): the organisation's
        row with an EXISTS for the membership and the pending request's columns as
        subqueries, each served by the one-pending-request index. At most one request
        is pending per person and organisation (the constraint below).
        """
        pending = self.filter(applicant=user, organisation=OuterRef("pk"), status__in=OPEN_STATUSES)
        row = (
            Organisation.objects.filter(pk=organisation.pk)
            .annotate(
                is_member=Exists(Membership.objects.filter(user=user, organisation=OuterRef("pk"))),
                pending_pk=Subquery(pending.values("pk")[:1]),
                pending_submitted_at=Subquery(pending.values("submitted_at")[:1]),
                pending_due_date=Subquery(pending.values("due_date")[:1]),
                pending_status=Subquery(pending.values("status")[:1]),
            )
            .values(
                "is_member",
                "pending_pk",
                "pending_submitted_at",
                "pending_due_date",
                "pending_status",
            )
            .get()
        )
        if row["pending_pk"] is None:
            return row["is_member"], None
        return row["is_member"], PendingRequest(
            pk=row["pending_pk"],
            submitted_at=row["pending_submitted_at"],
            due_date=row["pending_due_date"],
            status=row["pending_status"],
        )

    def administered_by(self, user):
        """Attachment requests to operators this person administers."""
        return self.filter(
            kind=RequestKind.ATTACHMENT,
            organisation__memberships__user=user,
            organisation__memberships__is_admin=True,
        )


class AuthorisationRequest(models.Model):
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="authorisation_requests",
    )
    organisation = models.ForeignKey(
        "entities.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="authorisation_requests",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    message = models.TextField(
        _("message"), max_length=MESSAGE_MAX_LENGTH, blank=True, validators=[validate_multiline]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = PhoneNumberField(_("contact phone"), blank=True)
    # NULL: no competent authority is configured for the country, site administrators decide.
    routed_to = models.ForeignKey(
        "entities.Organisation",
        verbose_name=_("routed to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routed_requests",
        limit_choices_to={"kind": "authority"},
    )
    # Set at submission when the operator already had an administrator: they decide first.
    to_operator_admins = models.BooleanField(
        _("decided by the operator's administrators"), default=False
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    due_date = models.DateField(_("due date"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # What the validators' search reads: the applicant's names and e-mail, the
    # organisation's name and identifier, normalised (entities.text.normalise).
    # A trigram index on PostgreSQL (migration 0006) serves `LIKE '%word%'`, so a
    # search reads the requests it finds, not every request of the queue joined
    # to their people and organisations. Kept in step by requests_app/search.py.
    search_text = SearchTextField(_("search text"), blank=True, editable=False)
    # A rejection's reason, or what to correct while the request is in correction.
    reason = models.TextField(
        _("reason"), max_length=REASON_MAX_LENGTH, blank=True, validators=[validate_multiline]
    )
    # A Change: {"proposed": {field: value}, "based_on": {field: value}}, the fields its
    # administrators changed and the validated values they saw (entities.services.
    # operator_values gives both forms). Approval applies exactly "proposed".
    proposal = models.JSONField(_("proposed change"), default=dict, blank=True)
    # When a correction was last asked for (the 30-day expiry counts from it), and
    # when its author was warned that it expires (once per correction).
    correction_requested_at = models.DateTimeField(_("correction requested"), null=True, blank=True)
    correction_warned_at = models.DateTimeField(
        _("warned of the correction's expiry"), null=True, blank=True
    )
    # A request to an operator's administrators left overdue goes to the competent
    # authority as well (requests_app/reminders.py): when it did.
    escalated_at = models.DateTimeField(_("escalated to the authority"), null=True, blank=True)

    objects = AuthorisationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("authorisation request")
        verbose_name_plural = _("authorisation requests")
        ordering = ["submitted_at", "pk"]
        permissions = [
            ("decide_authorisationrequest", _("Can approve or reject authorisation requests"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "organisation"],
                condition=Q(status__in=["pending", "correction"]),
                name="one_open_request_per_person_and_organisation",
            ),
            # One change waiting per operator: a second would be decided on stale values.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(kind="change", status__in=["pending", "correction"]),
                name="one_open_change_per_operator",
            ),
            models.CheckConstraint(
                condition=Q(kind="change") | Q(proposal={}),
                name="only_a_change_has_a_proposal",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="rejection_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="correction")
                | (~Q(reason="") & Q(correction_requested_at__isnull=False)),
                name="correction_has_a_reason_and_a_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "correction"]) | Q(decided_at__isnull=False),
                name="closed_request_has_a_closing_time",
            ),
        ]
        indexes = [
            # The validator queue: WHERE routed_to = ? AND status = ? ORDER BY submitted_at.
            models.Index(fields=["routed_to", "status", "submitted_at"], name="request_queue"),
            # The validator queue, every status (admin filter "All"):
            # WHERE routed_to = ? ORDER BY submitted_at, id LIMIT 26.
            models.Index(fields=["routed_to", "submitted_at", "id"], name="request_queue_all"),
            # "My requests" on the profile and home: WHERE applicant = ? ORDER BY submitted_at.
            models.Index(fields=["applicant", "submitted_at"], name="request_applicant"),
            # Operator admins' list and duplicate checks: WHERE organisation = ? AND status = ?.
            models.Index(fields=["organisation", "status"], name="request_organisation_status"),
            # The overdue filter: WHERE status = 'pending' AND due_date < today.
            models.Index(fields=["status", "due_date"], name="request_status_due"),
            # A queue's counts (the admin index, the portal's home: WHERE routed_to = ?
            # AND status IN (...), counting status and due_date < today, from the index
            # alone) and its Overdue filter.
            models.Index(fields=["routed_to", "status", "due_date"], name="request_queue_due"),
            # The daily expiry of corrections: WHERE status = 'correction' AND
            # correction_requested_at < ?.
            models.Index(
                fields=["status", "correction_requested_at"], name="request_correction_age"
            ),
        ]

    def __str__(self):
        return _("%(applicant)s → %(organisation)s") % {
            "applicant": self.applicant,
            "organisation": self.organisation,
        }

    @property
    def reference(self) -> str:
        """What a person quotes to the helpdesk: "TR-2026-000042" (year sent, number)."""
        return f"TR-{self.submitted_at.astimezone(WORKING_TIME_ZONE):%Y}-{self.pk:06d}"

    @property
    def is_change(self) -> bool:
        return self.kind == RequestKind.CHANGE

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def in_correction(self) -> bool:
        return self.status == RequestStatus.CORRECTION_REQUESTED

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.due_date < working_today()

    @property
    def correction_expires_at(self) -> datetime.datetime | None:
        """When a request left in correction is closed as withdrawn."""
        if not self.in_correction or self.correction_requested_at is None:
            return None
        return self.correction_requested_at + datetime.timedelta(days=CORRECTION_EXPIRY_DAYS)

    @property
    def decider_label(self) -> str:
        """Who decides, in words the applicant understands."""
        authority = (
            self.routed_to.short_name or self.routed_to.name
            if self.routed_to_id
            else _("the site administrators")
        )
        if self.to_operator_admins and self.escalated_at:
            return _(
                "%(authority)s (the administrators of %(organisation)s did not decide in time)"
            ) % {
                "organisation": self.organisation,
                "authority": authority,
            }
        if self.to_operator_admins:
            return _("the administrators of %(organisation)s (or %(authority)s)") % {
                "organisation": self.organisation,
                "authority": authority,
            }
        return str(authority)


class EventAction(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("request history", "Submitted")
    APPROVED = "approved", pgettext_lazy("request history", "Approved")
    REJECTED = "rejected", pgettext_lazy("request history", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("request history", "Withdrawn")
    CORRECTION_ASKED = "correction_asked", _("Correction requested")
    RESUBMITTED = "resubmitted", _("Corrected and resubmitted")
    ESCALATED = "escalated", _("Overdue: sent to the competent authority as well")
    EXPIRED = "expired", _("Closed: not corrected within 30 days")


class RequestEvent(models.Model):
    """One change of a request: who, when, what. Append-only.

    Why a table of our own rather than django-simple-history: the history must be
    something nobody can edit, and a request changes only through the services, so
    the services write one row per change with the actor and the note (a rejection's
    reason) that a field-level diff would not carry. Nothing offers an edit path:
    there is no admin and no form for it, the services only ever INSERT, and on
    PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE outright. The
    foreign keys PROTECT, so deleting a request or a person with history is refused.
    """

    request = models.ForeignKey(
        AuthorisationRequest, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("what"), max_length=16, choices=EventAction.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=RequestStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=RequestStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Validator(models.Model):
    """A staff user who decides the requests routed to one authority."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="validator"
    )
    authority = models.ForeignKey(
        "entities.Organisation",
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        related_name="validators",
        limit_choices_to={"kind": "authority"},
    )

    class Meta:
        verbose_name = _("validator")
        verbose_name_plural = _("validators")

    def __str__(self):
        return f"{self.user} ({self.authority})"


class ReminderSent(models.Model):
    """One daily reminder sent to one decider: the record that makes `send_reminders`
    idempotent (run twice in a day, one e-mail). Written in the transaction that
    enqueues the e-mail, so the record and the e-mail are kept together or not at all."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    due_soon = models.PositiveIntegerField(_("due the next working day"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_reminder_per_person_per_day")
        ]

    def __str__(self):
        return f"{self.user} {self.day}"
