"""Organisations: operators, organic control bodies and authorities.

One table with a `kind`, not three: the three share what the directory shows
(name, country, city, status) and what requests point at, so one foreign key
serves every request and one set of indexes serves every directory. Fields that
belong to one kind only are blank for the others, which check constraints
enforce.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from core.text import validate_one_line
from entities.text import SearchTextField, normalise


class Kind(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    CONTROL_BODY = "control_body", _("Organic control body")
    AUTHORITY = "authority", _("Authority")


class Status(models.TextChoices):
    # "organisation status": in French they agree with un opérateur, un organisme
    # (Nouveau, Rejeté), where a request's agree with une demande (Rejetée).
    NEW = "new", pgettext_lazy("organisation status", "New")
    VALID = "valid", pgettext_lazy("organisation status", "Valid")
    REJECTED = "rejected", pgettext_lazy("organisation status", "Rejected")
    SUSPENDED = "suspended", pgettext_lazy("organisation status", "Suspended")
    # A duplicate merged into the operator that stays (`merged_into`): its row is
    # kept, so links to it lead there.
    MERGED = "merged", pgettext_lazy("organisation status", "Merged")


class ControlBodyKind(models.TextChoices):
    CONTROL_BODY = "control_body", _("Control body")
    CONTROL_AUTHORITY = "control_authority", _("Control authority")


class AuthorityKind(models.TextChoices):
    CENTRAL = "central", _("Central competent authority")
    BORDER_CONTROL_POST = "bcp", _("Border control post")


class OrganisationQuerySet(models.QuerySet):
    def operators(self):
        return self.filter(kind=Kind.OPERATOR)

    def control_bodies(self):
        return self.filter(kind=Kind.CONTROL_BODY)

    def authorities(self):
        return self.filter(kind=Kind.AUTHORITY)

    def valid(self):
        return self.filter(status=Status.VALID)

    def central_authority_of(self, country):
        """The central competent authority of a country (France: INAO), or None."""
        return (
            self.authorities()
            .valid()
            .filter(country=country, authority_kind=AuthorityKind.CENTRAL)
            .order_by("pk")
            .first()
        )


def operator_activities(*, is_importer: bool, is_first_consignee: bool) -> list[str]:
    """An operator's activities, translated, for display."""
    return [
        str(label)
        for flag, label in (
            (is_importer, _("Organic importer")),
            (is_first_consignee, _("Organic operator (first consignee)")),
        )
        if flag
    ]


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_one_line])
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[validate_one_line])
    address = models.CharField(
        _("address"), max_length=255, blank=True, validators=[validate_one_line]
    )
    postcode = models.CharField(
        _("postcode"), max_length=16, blank=True, validators=[validate_one_line]
    )
    phone = PhoneNumberField(_("phone number"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    # Operators only.
    is_importer = models.BooleanField(_("organic importer"), default=False)
    is_first_consignee = models.BooleanField(_("organic operator (first consignee)"), default=False)
    eori = models.CharField(_("EORI number"), max_length=17, blank=True)
    control_body = models.ForeignKey(
        "self",
        verbose_name=_("control body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certified_operators",
        limit_choices_to={"kind": Kind.CONTROL_BODY},
    )

    # Control bodies and authorities: their public code (FR-BIO-01, ...).
    code = models.CharField(_("code"), max_length=32, blank=True)
    control_body_kind = models.CharField(
        _("control body kind"), max_length=20, choices=ControlBodyKind.choices, blank=True
    )
    authority_kind = models.CharField(
        _("authority kind"), max_length=16, choices=AuthorityKind.choices, blank=True
    )
    short_name = models.CharField(_("short name"), max_length=32, blank=True)

    # The name lower-cased, without accents or punctuation (entities.text.normalise):
    # what the directory searches and sorts on. Searching a column filled in Python
    # behaves the same on SQLite and PostgreSQL, and on PostgreSQL a trigram index
    # on this very column serves `search_name LIKE '%term%'` (see migration 0002);
    # `icontains` on `name` would become UPPER(name) LIKE, which no such index serves.
    search_name = SearchTextField(_("search name"), blank=True, editable=False)

    # The operator a merged duplicate became part of.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )
    # Why it is suspended, as its members read it.
    status_reason = models.TextField(_("reason"), max_length=1000, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "pk"]
        constraints = [
            # An EORI identifies one living operator; a rejected one frees it, and a
            # merged duplicate keeps its own for the record, the one it was merged
            # into holding it (or another) alone.
            models.UniqueConstraint(
                fields=["eori"],
                condition=Q(kind="operator") & ~Q(eori="") & ~Q(status__in=["rejected", "merged"]),
                name="operator_eori_unique_unless_rejected_or_merged",
            ),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="merged_means_merged_into_another",
            ),
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~Q(code=""), name="organisation_code_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="operator") | Q(is_importer=True) | Q(is_first_consignee=True),
                name="operator_has_an_activity",
            ),
            models.CheckConstraint(
                condition=~Q(kind="operator", is_importer=True, eori=""),
                name="importer_has_eori",
            ),
            models.CheckConstraint(
                condition=Q(kind="operator")
                | Q(
                    is_importer=False, is_first_consignee=False, eori="", control_body__isnull=True
                ),
                name="operator_fields_only_on_operators",
            ),
            models.CheckConstraint(
                condition=~Q(kind="authority") | ~Q(authority_kind=""),
                name="authority_has_a_kind",
            ),
        ]
        indexes = [
            # The directory: one kind, optionally one country, sorted by name.
            # (The trigram index for the name search is PostgreSQL-only: migration 0002.)
            models.Index(fields=["kind", "country", "search_name"], name="org_kind_country_sname"),
            models.Index(fields=["kind", "search_name"], name="org_kind_sname"),
            # Identifier search (EORI exact match).
            models.Index(fields=["eori"], name="org_eori"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Keeps a derived column in step with `name` (no business rule here), so
        # that every way of saving one row (admin, services, factories) is searchable.
        # Bulk inserts (seed_demo) call refresh_search_fields themselves.
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "short_name", "code"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def refresh_search_fields(self) -> None:
        # A control body is also found by its code (FR-BIO-01), an authority by
        # its short name (INAO); they follow the name, so the sort stays by name.
        words = [self.name] if self.is_operator else [self.name, self.short_name, self.code]
        self.search_name = normalise(" ".join(w for w in words if w))

    @property
    def activities(self) -> list[str]:
        """The operator's activities, translated, for display."""
        return operator_activities(
            is_importer=self.is_importer, is_first_consignee=self.is_first_consignee
        )

    @property
    def is_valid(self) -> bool:
        return self.status == Status.VALID

    @property
    def is_operator(self) -> bool:
        return self.kind == Kind.OPERATOR

    @property
    def identifier(self) -> str:
        """What identifies it publicly: an operator's EORI, another's code (FR-BIO-01)."""
        return self.eori if self.is_operator else self.code

    @property
    def identifier_label(self) -> str:
        return _("EORI number") if self.is_operator else _("Code")

    @property
    def is_merged(self) -> bool:
        return self.status == Status.MERGED

    @property
    def is_suspended(self) -> bool:
        return self.status == Status.SUSPENDED

    @property
    def accepts_requests(self) -> bool:
        """People may ask to join a new or valid organisation, not a rejected or suspended one."""
        return self.status in (Status.NEW, Status.VALID)


class OperatorManager(models.Manager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Kind.OPERATOR)


class ControlBodyManager(models.Manager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Kind.CONTROL_BODY)


class AuthorityManager(models.Manager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Kind.AUTHORITY)


# One admin page per kind: proxies over the one table.
class Operator(Organisation):
    objects = OperatorManager()

    class Meta:
        proxy = True
        verbose_name = _("operator")
        verbose_name_plural = _("operators")


class ControlBody(Organisation):
    objects = ControlBodyManager()

    class Meta:
        proxy = True
        verbose_name = _("organic control body")
        verbose_name_plural = _("organic control bodies")


class Authority(Organisation):
    objects = AuthorityManager()

    class Meta:
        proxy = True
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")


class Membership(models.Model):
    """A person attached to an organisation; its administrator approves colleagues."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(_("administrator"), default=False)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


class OrganisationAction(models.TextChoices):
    CREATED = "created", _("Created")
    VALIDATED = "validated", _("Validated")
    REJECTED = "rejected", pgettext_lazy("organisation history", "Rejected")
    CHANGED = "changed", _("Details changed")
    CHANGE_PROPOSED = "change_proposed", _("Change proposed")
    CHANGE_REJECTED = "change_rejected", _("Proposed change rejected")
    MEMBER_ADDED = "member_added", _("Member added")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    MEMBER_LEFT = "member_left", _("Member left")
    ADMIN_GRANTED = "admin_granted", _("Made administrator")
    ADMIN_REVOKED = "admin_revoked", _("Administrator rights removed")
    INVITED = "invited", _("Colleague invited")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    SUSPENDED = "suspended", pgettext_lazy("organisation history", "Suspended")
    REINSTATED = "reinstated", _("Reinstated")
    MERGED_INTO = "merged_into", _("Merged into another operator")
    MERGED_FROM = "merged_from", _("A duplicate merged into it")


class OrganisationEvent(models.Model):
    """One change of an organisation or of its members: who, when, what. Append-only.

    `actor` did it; `subject` is the person it is about (the member removed, the
    colleague invited), if any; `note` a reason; `changes` the fields changed,
    {"field": [old, new]}. Written by the services only; on PostgreSQL a trigger
    (migration 0006) refuses to edit or delete a row, except moving it with its
    organisation when a duplicate is merged.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("what"), max_length=24, choices=OrganisationAction.choices)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("organisation event")
        verbose_name_plural = _("organisation events")
        ordering = ["at", "pk"]
        indexes = [
            # An organisation's history, newest first: WHERE organisation = ? ORDER BY at.
            models.Index(fields=["organisation", "at"], name="org_event_history"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class InvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        """Neither accepted nor revoked, and not yet expired: its link still works."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class Invitation(models.Model):
    """An administrator invites a colleague by e-mail: a single-use link, valid 30 days.

    Only the SHA-256 of the link's token is kept: whoever reads the table cannot
    accept an invitation. Accepting attaches the person without a further
    validation; the administrators can revoke it until then.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live invitation per address and organisation: inviting again replaces it.
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked_not_both",
            ),
        ]
        indexes = [
            # The members page's open invitations and their bound:
            # WHERE organisation = ? AND accepted_at IS NULL AND revoked_at IS NULL.
            models.Index(fields=["organisation", "expires_at"], name="invitation_organisation"),
            # The inviter's rate limit: WHERE invited_by = ? AND created_at >= ?.
            models.Index(fields=["invited_by", "created_at"], name="invitation_inviter"),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
