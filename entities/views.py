"""The directory of organisations and an organisation's page."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.services import email_proven_remember
from entities import members as members_services
from entities.forms import ContactAdministratorsForm, DirectorySearchForm, InviteForm
from entities.models import (
    Invitation,
    Kind,
    Membership,
    Organisation,
    OrganisationAction,
    OrganisationEvent,
)
from entities.services import SEARCHED_SESSION_KEY, DirectoryQuery, directory_search
from entities.slots import directory_footer, organisation_actions

PAGE_SIZE = 25
# Pages stop at this many results: past them the directory says "more than 1,000"
# and asks for another criterion. Nothing is ever counted to find it out: a page
# fetches one row more than it shows (docs/benchmarks.md).
COUNT_CAP = 1_000
# What a row of the directory shows (entities/directory.html): a page of results
# reads these columns only, not the thirty of an organisation and its control body.
DIRECTORY_COLUMNS = (
    "kind",
    "status",
    "name",
    "short_name",
    "eori",
    "code",
    "city",
    "country",
    "is_importer",
    "is_first_consignee",
    "authority_kind",
    "control_body_kind",
    "control_body__code",
    "control_body__name",
)
# What the organisation page shows (entities/organisation.html).
ORGANISATION_PAGE_COLUMNS = (
    *DIRECTORY_COLUMNS,
    "address",
    "postcode",
    "phone",
    "email",
    "merged_into",
    "status_reason",
)

KIND_SLUGS = {
    Kind.OPERATOR: "entities:operators",
    Kind.CONTROL_BODY: "entities:control_bodies",
    Kind.AUTHORITY: "entities:authorities",
}


@dataclass(frozen=True)
class ResultPage:
    """A page of results. The total is known only on the last page (`count`);
    before it, `has_next` says more follow; `capped` says more than COUNT_CAP do."""

    items: list
    number: int
    has_next: bool
    capped: bool
    count: int | None  # the exact total, or None while more results follow
    cap: int = COUNT_CAP

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def num_pages(self):
        """The number of pages when the total is known, else None."""
        if self.count is None:
            return None
        return max(1, -(-self.count // PAGE_SIZE))

    @property
    def is_paginated(self):
        return self.has_previous or self.has_next

    @property
    def start_index(self):
        return (self.number - 1) * PAGE_SIZE + 1 if self.items else 0

    @property
    def end_index(self):
        return self.start_index + len(self.items) - 1 if self.items else 0


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except (TypeError, ValueError):
        return 1


def paginate(queryset, raw_page: str | None) -> ResultPage:
    """A page of results without counting them: one query.

    The page's query asks for one row more than the page shows, which says
    whether another page follows; a count would read every match of a broad
    term (35 to 60 ms at a million operators), the page only its 26 rows.
    Page numbers that are not numbers mean the first page; a page past the end
    shows the last one (then, and only then, two more queries find it).
    """
    last_reachable = max(1, -(-COUNT_CAP // PAGE_SIZE))
    number = min(_page_number(raw_page), last_reachable)
    offset = (number - 1) * PAGE_SIZE
    size = min(PAGE_SIZE, COUNT_CAP - offset)
    rows = list(queryset[offset : offset + size + 1])
    if not rows and number > 1:
        found = queryset.order_by().values("pk")[:offset].count()
        return paginate(queryset, str(max(1, -(-found // PAGE_SIZE))))
    items, more = rows[:size], len(rows) > size
    capped = more and offset + size >= COUNT_CAP
    return ResultPage(
        items=items,
        number=number,
        has_next=more and not capped,
        capped=capped,
        count=None if more else offset + len(items),
        cap=COUNT_CAP,
    )


@login_required
@require_safe
def directory(request, kind: str):
    form = DirectorySearchForm(request.GET or None, kind=kind)
    searched = form.is_bound and any(name in request.GET for name in form.fields)
    criteria = {}
    if form.is_bound:
        form.is_valid()  # invalid criteria are dropped, the others still apply
        criteria = {k: v for k, v in form.cleaned_data.items() if v}
    if searched and kind == Kind.OPERATOR and not request.session.get(SEARCHED_SESSION_KEY):
        request.session[SEARCHED_SESSION_KEY] = True
    page = paginate(
        directory_search(DirectoryQuery(kind=kind, **criteria)).only(*DIRECTORY_COLUMNS),
        request.GET.get("page"),
    )
    return render(
        request,
        "entities/directory.html",
        {
            "kind": kind,
            "kind_label": dict(Kind.choices)[kind],
            "form": form,
            "page": page,
            "searched": searched,
            "criteria": criteria,
            "footer": directory_footer.panels(request, kind=kind, searched=searched),
        },
    )


HISTORY_OF_CHANGES_SHOWN = 20


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value) if value not in (None, "") else "–"


def _history_of_changes(organisation) -> list[dict]:
    """The operator's validated changes, newest first, field by field (one query)."""
    events = OrganisationEvent.objects.filter(
        organisation=organisation, action=OrganisationAction.CHANGED
    ).order_by("-at", "-pk")[:HISTORY_OF_CHANGES_SHOWN]
    events = list(events)
    # Control bodies are kept by pk: their names, in one more query when there are any.
    pks = {
        pk
        for event in events
        for pk in event.changes.get("control_body", [])
        if isinstance(pk, int)
    }
    names = dict(Organisation.objects.filter(pk__in=pks).values_list("pk", "name")) if pks else {}
    fields = Organisation._meta
    return [
        {
            "at": event.at,
            "fields": [
                (
                    capfirst(fields.get_field(name).verbose_name),
                    _shown(names.get(old, old) if name == "control_body" else old),
                    _shown(names.get(new, new) if name == "control_body" else new),
                )
                for name, (old, new) in event.changes.items()
            ],
        }
        for event in events
    ]


@login_required
@require_safe
def organisation_detail(request, pk: int):
    # Whether the person is a member (None: no; False: a member; True: an administrator),
    # in the same statement as the organisation.
    my_role = Membership.objects.filter(user=request.user, organisation=OuterRef("pk"))
    organisation = get_object_or_404(
        Organisation.objects.select_related("control_body")
        .only(*ORGANISATION_PAGE_COLUMNS)
        .annotate(my_admin=Subquery(my_role.values("is_admin")[:1])),
        pk=pk,
    )
    if organisation.is_merged:
        # A duplicate merged into another: its links lead to the one that stays.
        return redirect("entities:organisation", organisation.merged_into_id)
    # Why it is suspended is for its members (read with the organisation, above).
    is_member = organisation.is_suspended and organisation.my_admin is not None
    return render(
        request,
        "entities/organisation.html",
        {
            "organisation": organisation,
            "is_member": is_member,
            "changes": _history_of_changes(organisation) if organisation.is_operator else [],
            "directory_url": reverse(KIND_SLUGS[organisation.kind]),
            "actions": organisation_actions.panels(request, organisation=organisation),
        },
    )


# --- Members ---------------------------------------------------------------------

MEMBER_CHANGES = {
    "remove": members_services.membership_remove,
    "grant": members_services.membership_grant_admin,
    "revoke": members_services.membership_revoke_admin,
}


def _membership_or_404(user, pk: int) -> Membership:
    """The person's own membership of organisation `pk` (with it); 404 for a non-member."""
    membership = members_services.membership_of(user=user, organisation_pk=pk)
    if membership is None:
        raise Http404
    return membership


def _members_page(request, mine: Membership, *, contact_form=None, invite_form=None, status=200):
    organisation = mine.organisation
    members = list(
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_admin", "user__last_name", "user__first_name", "pk")
    )
    # The administrators see the invitations waiting (at most MAX_OPEN_INVITATIONS).
    invitations = (
        list(Invitation.objects.filter(organisation=organisation).open().order_by("-created_at"))
        if mine.is_admin
        else []
    )
    return render(
        request,
        "entities/members.html",
        {
            "organisation": organisation,
            "mine": mine,
            "members": members,
            "administrators": [m for m in members if m.is_admin],
            "contact_form": contact_form or ContactAdministratorsForm(),
            "invite_form": invite_form or InviteForm(),
            "invitations": invitations,
        },
        status=status,
    )


@login_required
@require_safe
def members(request, pk: int):
    """Who is a member, who administers it, since when; what an administrator may change."""
    return _members_page(request, _membership_or_404(request.user, pk))


@login_required
@require_POST
def contact_administrators(request, pk: int):
    mine = _membership_or_404(request.user, pk)
    form = ContactAdministratorsForm(request.POST)
    if not form.is_valid():
        return _members_page(request, mine, contact_form=form, status=400)
    try:
        members_services.administrators_contact(
            organisation=mine.organisation,
            sender=request.user,
            message=form.cleaned_data["message"],
        )
    except members_services.TooManyMessages as error:
        return render(request, "429.html", {"reason": str(error)}, status=429)
    except members_services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your message has been sent to the administrators."))
    return redirect("entities:members", pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_change(request, pk: int, membership_pk: int, change: str):
    """GET: what the change will do, and Confirm; POST: do it (administrators only)."""
    mine = _membership_or_404(request.user, pk)
    if not mine.is_admin:
        raise PermissionDenied
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=membership_pk,
        organisation_id=pk,
    )
    if membership.user_id == request.user.pk and change == "remove":
        return redirect("entities:leave", pk)
    if request.method == "GET":
        return render(
            request,
            "entities/member_confirm.html",
            {"organisation": mine.organisation, "membership": membership, "change": change},
        )
    try:
        MEMBER_CHANGES[change](membership=membership, by=request.user)
    except members_services.MembershipError as error:
        messages.error(request, str(error))
    else:
        done = {
            "remove": _("%(person)s is no longer a member."),
            "grant": _("%(person)s is now an administrator."),
            "revoke": _("%(person)s is no longer an administrator."),
        }[change]
        messages.success(request, done % {"person": membership.user})
    return redirect("entities:members", pk)


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, pk: int):
    """GET: what leaving means (or why the last administrator cannot), and Confirm; POST: leave."""
    mine = _membership_or_404(request.user, pk)
    organisation = mine.organisation
    if request.method == "GET":
        is_last_admin = (
            mine.is_admin
            and not Membership.objects.filter(organisation=organisation, is_admin=True)
            .exclude(pk=mine.pk)
            .exists()
        )
        return render(
            request,
            "entities/leave.html",
            {"organisation": organisation, "mine": mine, "is_last_admin": is_last_admin},
        )
    try:
        members_services.membership_leave(membership=mine, by=request.user)
    except members_services.MembershipError as error:
        messages.error(request, str(error))
        return redirect("entities:members", pk)
    messages.success(request, _("You have left %(organisation)s.") % {"organisation": organisation})
    return redirect("home")


# --- Invitations -------------------------------------------------------------------


@login_required
@require_POST
def invite(request, pk: int):
    """An administrator invites a colleague; the answer never says whether the address
    has an account."""
    mine = _membership_or_404(request.user, pk)
    if not mine.is_admin:
        raise PermissionDenied
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _members_page(request, mine, invite_form=form, status=400)
    try:
        invitation = members_services.invitation_send(
            organisation=mine.organisation, email=form.cleaned_data["email"], by=request.user
        )
    except members_services.TooManyInvitations as error:
        return render(request, "429.html", {"reason": str(error)}, status=429)
    except members_services.MembershipError as error:
        form.add_error("email", str(error))
        return _members_page(request, mine, invite_form=form, status=400)
    messages.success(
        request,
        _(
            "An invitation has been sent to %(email)s. The link works once, until %(date)s; "
            "you can revoke it until it is accepted."
        )
        % {
            "email": invitation.email,
            "date": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
        },
    )
    return redirect("entities:members", pk)


@login_required
@require_POST
def invitation_revoke(request, pk: int, invitation_pk: int):
    mine = _membership_or_404(request.user, pk)
    if not mine.is_admin:
        raise PermissionDenied
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation"), pk=invitation_pk, organisation_id=pk
    )
    try:
        members_services.invitation_revoke(invitation=invitation, by=request.user)
    except members_services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been revoked: its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("entities:members", pk)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The link of an invitation e-mail. Anonymous: sign up (the address filled in and,
    the link having come through that mailbox, verified) or log in. Logged in: Accept."""
    found = members_services.invitation_for_token(token)
    refusal = members_services.invitation_refusal(found)
    if refusal:
        return render(request, "entities/invitation.html", {"refusal": refusal}, status=404)
    here = reverse("entities:invitation", args=[token])
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(here)
        email_proven_remember(request=request, email=found.email)
        return render(
            request,
            "entities/invitation.html",
            {"invitation": found, "next": here},
        )
    if request.method == "GET":
        return render(
            request,
            "entities/invitation.html",
            {
                "invitation": found,
                "other_address": request.user.email.lower() != found.email.lower(),
            },
        )
    try:
        members_services.invitation_accept(token=token, user=request.user)
    except members_services.MembershipError as error:
        messages.error(request, str(error))
        return redirect("home")
    messages.success(
        request,
        _("You are now a member of %(organisation)s.") % {"organisation": found.organisation},
    )
    if not request.user.has_usable_password():
        # Signed up from the invitation: no set-password e-mail came; choose one now.
        messages.info(request, _("Choose a password to log in next time."))
        return redirect("account_set_password")
    return redirect("entities:members", found.organisation_id)
