"""The validators' queue in the Django admin.

Validators (staff users bound to one authority) see only the requests routed to
their authority; superusers see all. Nothing here edits a request directly:
Approve and Reject are custom views that call the services.
"""

import re

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_countries import countries

from entities import admin as entities_admin
from entities.admin import OperatorAdmin
from entities.models import Membership, Operator, Organisation
from entities.models import Status as OrganisationStatus
from requests_app import selectors, services
from requests_app.forms import OperatorStatusForm, RejectForm
from requests_app.models import (
    AuthorisationRequest,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Validator,
)
from requests_app.search import queue_search, search_words


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Overdue")), ("no", gettext_lazy("On time"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.not_overdue()
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """The status, Pending unless another is asked for: a validator's queue is what is
    pending. It also keeps the queue page from listing and counting every request
    ever routed to the authority (50,000 for INAO at a million operators)."""

    title = gettext_lazy("status")
    parameter_name = "status__exact"  # the parameter of the field's own filter, kept
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*RequestStatus.choices, (self.ALL, gettext_lazy("All"))]

    def value(self):
        return super().value() or RequestStatus.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


class CountryFilter(admin.SimpleListFilter):
    title = gettext_lazy("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        # Requests are routed to the competent authority of the organisation's
        # country: a validator's queue holds that one country, and the others'
        # are the countries of the authorities plus those of the requests routed
        # to nobody. Never a DISTINCT over the requests joined to a million
        # organisations (350 to 620 ms a page, docs/benchmarks.md).
        validator = model_admin.validator_of(request)
        if validator is not None:
            codes = {str(validator.authority.country)}
        elif request.user.is_superuser:
            codes = {
                str(code)
                for code in Organisation.objects.authorities()
                .order_by()
                .values_list("country", flat=True)
                .distinct()
            }
            codes |= {
                str(code)
                for code in AuthorisationRequest.objects.filter(routed_to__isnull=True)
                .order_by()
                .values_list("organisation__country", flat=True)
                .distinct()
            }
        else:
            codes = set()
        # Only these countries' names, each translated once per language (not
        # the field's 250 choices on every page).
        return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])

    def has_output(self):
        return len(self.lookup_choices) > 1  # one country only: nothing to choose

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(organisation__country=self.value())
        return queryset


class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows: past them pages stop and the queue says "more than".

    An exact count reads every row of the filter (10,000 pending requests of one
    authority: 9 ms); a capped one stops at `cap` (0.3 ms).

    With `by_ids` (a search), the count reads the ids it counts, and a search that
    matches at most `cap` requests reads its page by those ids. The page query of
    "Garnier Import", every status, at 1,000,000 requests (a LIKE per word, ORDER BY
    submitted_at, id LIMIT 25): PostgreSQL expects 507 matches among INAO's 500,000
    requests, spread evenly, so it walks the ordered index request_queue_all and
    filters 132,010 rows (300 to 430 ms, 2.7 s on a loaded machine); by `pk IN` the
    101 ids it reads them by primary key and sorts them (4 to 26 ms). A broad search
    ('bio', more than `cap` matches) keeps the ordered walk, which finds 25 rows at
    once where a sort would read 88,000 (docs/benchmarks.md, "Issue 12: the run after").
    """

    cap = 1000
    by_ids = False

    @cached_property
    def _ids(self) -> list[int]:
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def _counted(self) -> int:
        if self.by_ids:
            return len(self._ids)
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    def page(self, number):
        if self.by_ids and not self.capped:
            # The same rows, the same order: the filters stay, the ids only narrow them.
            self.object_list = self._by_ids
        return super().page(number)

    @cached_property
    def _by_ids(self) -> QuerySet:
        return self.object_list.filter(pk__in=self._ids)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)


# What the queue's rows show (list_display, the checkbox's label): the list reads
# these columns only, not the whole request, its routing authority and control body.
QUEUE_COLUMNS = (
    "submitted_at",
    "kind",
    "status",
    "due_date",
    "applicant__first_name",
    "applicant__last_name",
    "applicant__email",
    "applicant__pseudonym",
    "organisation__kind",
    "organisation__name",
    "organisation__eori",
    "organisation__code",
    "organisation__country",
)


class QueueChangeList(ChangeList):
    """The queue's list, which also says what a search leaves out by its status."""

    # A search counts its matches in the other statuses up to this many ("more than").
    hidden_matches_cap = 1000

    def get_results(self, request):
        # Only the page of rows: actions still get the full rows (cl.get_queryset).
        self.queryset = (
            self.queryset.select_related(None)
            .select_related("applicant", "organisation")
            .only(*QUEUE_COLUMNS)
        )
        super().get_results(request)
        self.hidden_matches = self._hidden_matches(request)

    @cached_property
    def status_filter(self) -> StatusFilter:
        return next(spec for spec in self.filter_specs if isinstance(spec, StatusFilter))

    @property
    def status_choices(self):
        """The status select beside the search box: (value, label, selected)."""
        current = self.status_filter.value()
        return [
            (value, label, value == current) for value, label in self.status_filter.lookup_choices
        ]

    def _hidden_matches(self, request) -> int:
        """How many requests match the search, the other filters too, in another status.

        One count, only when a search is shown through a status (not "All").
        """
        status = self.status_filter.value()
        if not self.query or status == StatusFilter.ALL:
            return 0
        others = self.root_queryset
        for spec in self.filter_specs:
            if spec is not self.status_filter:
                filtered = spec.queryset(request, others)
                others = others if filtered is None else filtered
        others = queue_search(others, self.query).exclude(status=status)
        return others.order_by().values("pk")[: self.hidden_matches_cap + 1].count()

    @property
    def hidden_matches_capped(self) -> bool:
        return self.hidden_matches > self.hidden_matches_cap

    @property
    def all_statuses_url(self) -> str:
        return self.get_query_string({StatusFilter.parameter_name: StatusFilter.ALL})


def _message_for(error: services.RequestError) -> str:
    return str(error)


# A request's id as a checkbox or a URL gives it: digits only, within a bigint.
REQUEST_ID = re.compile(r"[0-9]{1,18}")


def _selected_ids(request) -> set[int] | None:
    """The ids of the ticked rows; None when one of them is not an id."""
    values = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
    if not all(REQUEST_ID.fullmatch(value) for value in values):
        return None
    return {int(value) for value in values}


@admin.register(AuthorisationRequest)
class AuthorisationRequestAdmin(admin.ModelAdmin):
    list_display = [
        "submitted_at",
        "applicant_name",
        "organisation_name",
        "organisation_eori",
        "kind",
        "country",
        "status",
        "due_date",
        "overdue_flag",
    ]
    list_display_links = ["submitted_at", "applicant_name"]
    list_filter = [StatusFilter, "kind", CountryFilter, OverdueFilter]
    # What the search box looks in; get_search_results does the looking (requests_app/search.py).
    search_fields = [
        "applicant__email",
        "applicant__first_name",
        "applicant__last_name",
        "organisation__name",
        "=organisation__eori",
    ]
    ordering = ["submitted_at", "pk"]
    # 25 rows: each costs template time (its checkbox, dates, flags) on every page.
    list_per_page = 25
    show_full_result_count = False
    paginator = CappedCountPaginator
    actions = ["bulk_approve"]
    change_form_template = "admin/requests_app/authorisationrequest/change_form.html"

    # --- what a validator sees --------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        return queue_search(queryset, search_term), False

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        paginator.by_ids = bool(search_words(request.GET.get(SEARCH_VAR, "")))
        return paginator

    @staticmethod
    def validator_of(request) -> Validator | None:
        """The person's validator row with its authority, read once per request
        (the list, the filters and the actions all need it)."""
        if not hasattr(request, "_queue_validator"):
            user = request.user
            request._queue_validator = (
                Validator.objects.select_related("authority").filter(user=user).first()
                if user.is_staff and not user.is_superuser
                else None
            )
        return request._queue_validator

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .for_validator(request.user, validator=self.validator_of(request))
            .select_related("applicant", "organisation", "organisation__control_body", "routed_to")
        )

    @admin.display(description=gettext_lazy("applicant"), ordering="applicant__last_name")
    def applicant_name(self, obj):
        return format_html("{}<br>{}", obj.applicant, obj.applicant.email)

    @admin.display(description=gettext_lazy("organisation"), ordering="organisation__name")
    def organisation_name(self, obj):
        return obj.organisation.name

    @admin.display(description=gettext_lazy("EORI number"))
    def organisation_eori(self, obj):
        return obj.organisation.identifier or "–"

    @admin.display(description=gettext_lazy("country"), ordering="organisation__country")
    def country(self, obj):
        return obj.organisation.country.name

    @admin.display(description=gettext_lazy("overdue"), boolean=True)
    def overdue_flag(self, obj):
        return obj.is_overdue

    # --- nothing is edited, added or deleted by hand -------------------------------

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is not None and allowed:
            return self.get_queryset(request).filter(pk=obj.pk).exists()
        return allowed

    def has_decide_permission(self, request):
        return request.user.has_perm("requests_app.decide_authorisationrequest")

    def response_action(self, request, queryset, *args, **kwargs):
        # A selection the page never sent ("abc", "1.5"): a message, not a 500 from
        # the database refusing `id IN ('abc')`.
        if request.method == "POST" and _selected_ids(request) is None:
            self.message_user(
                request,
                _("The selection was not understood: tick the requests again."),
                messages.ERROR,
            )
            return None  # the admin redirects back to the queue
        return super().response_action(request, queryset, *args, **kwargs)

    @admin.action(description=gettext_lazy("Approve the selected requests"), permissions=["decide"])
    def bulk_approve(self, request, queryset):
        # `queryset` holds only this person's queue: the ids of others' requests
        # were dropped from the selection; say so rather than pass over them.
        selected = _selected_ids(request) or set()
        rows = list(queryset.pending())
        outside = len(selected - set(queryset.filter(pk__in=selected).values_list("pk", flat=True)))
        if outside:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected request is not in your queue: it was left as it was.",
                    "%(count)d selected requests are not in your queue: "
                    "they were left as they were.",
                    outside,
                )
                % {"count": outside},
                messages.WARNING,
            )
        approved, refused = 0, []
        for authorisation_request in rows:
            try:
                services.request_approve(request=authorisation_request, decided_by=request.user)
                approved += 1
            except services.RequestError as error:
                refused.append(f"{authorisation_request}: {error}")
        if approved:
            self.message_user(
                request, _("%(count)d request(s) approved.") % {"count": approved}, messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)
        if not approved and not refused and len(selected) > outside:
            self.message_user(
                request, _("None of the selected requests is pending."), messages.WARNING
            )

    # --- the request page with Approve and Reject ------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", wrap(self.approve_view), name="{}_{}_approve".format(*info)),
            path("<int:pk>/reject/", wrap(self.reject_view), name="{}_{}_reject".format(*info)),
            path(
                "<int:pk>/correction/",
                wrap(self.correction_view),
                name="{}_{}_correction".format(*info),
            ),
            path(
                "membership/<int:pk>/admin/",
                wrap(self.membership_admin_view),
                name="{}_{}_membership_admin".format(*info),
            ),
            *super().get_urls(),
        ]

    def _get_visible(self, request, pk) -> AuthorisationRequest:
        if not REQUEST_ID.fullmatch(str(pk)):
            raise Http404  # /admin/.../abc/change/: no such request, not a 500
        obj = (
            self.get_queryset(request)
            .prefetch_related(
                Prefetch("events", queryset=RequestEvent.objects.select_related("actor"))
            )
            .filter(pk=pk)
            .first()
        )
        if obj is None or not self.has_view_permission(request):
            raise Http404
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self._get_visible(request, object_id)
        return self._render(request, obj, RejectForm())

    def _render(self, request, obj, reject_form, status=200):
        organisation = obj.organisation
        duplicates = []
        if organisation.is_operator:
            from entities.services import operator_with_eori, similar_operators

            # A change is checked on the values it declares: the new EORI, the new name.
            declared = obj.proposal.get("proposed", {}) if obj.is_change else {}
            eori = declared.get("eori") or organisation.eori
            name = declared.get("name") or organisation.name
            same_eori = operator_with_eori(eori, exclude_pk=organisation.pk)
            similar = [
                o
                for o in similar_operators(name=name, country=organisation.country)
                if o.pk != organisation.pk
            ]
            duplicates = ([same_eori] if same_eori else []) + [o for o in similar if o != same_eori]
        change_rows = selectors.change_rows(obj) if obj.is_change else []
        members = list(
            Membership.objects.filter(organisation=organisation)
            .select_related("user")
            .order_by("pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Authorisation request"),
            "req": obj,
            "organisation": organisation,
            "duplicates": duplicates,
            "members": members,
            "can_manage_admins": services.can_manage_admins(
                user=request.user, organisation=organisation
            ),
            "can_decide": obj.is_pending
            and request.user.has_perm("requests_app.decide_authorisationrequest")
            and services.can_decide(user=request.user, request=obj),
            "reject_form": reject_form,
            "change_rows": change_rows,
            "stale": any(row.stale for row in change_rows),
            "label_suffix": reject_form.label_suffix,  # ":", " :" in French, as the admin's
            "is_new_operator": obj.kind == RequestKind.NEW_OPERATOR
            and organisation.status == OrganisationStatus.NEW,
        }
        return TemplateResponse(request, self.change_form_template, context, status=status)

    def _check_decide(self, request, obj):
        if not request.user.has_perm("requests_app.decide_authorisationrequest"):
            raise PermissionDenied

    def _change_url(self, obj):
        return reverse("admin:requests_app_authorisationrequest_change", args=[obj.pk])

    def approve_view(self, request, pk):
        return require_POST(self._approve)(request, pk)

    def _approve(self, request, pk):
        obj = self._get_visible(request, pk)
        self._check_decide(request, obj)
        try:
            services.request_approve(request=obj, decided_by=request.user)
        except services.RequestError as error:
            self.message_user(request, _message_for(error), messages.ERROR)
            return HttpResponseRedirect(self._change_url(obj))
        self.message_user(request, _("The request has been approved."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:requests_app_authorisationrequest_changelist"))

    def reject_view(self, request, pk):
        return require_POST(self._reject)(request, pk)

    def _reject(self, request, pk):
        return self._decide_with_reason(
            request, pk, services.request_reject, _("The request has been rejected.")
        )

    def correction_view(self, request, pk):
        return require_POST(self._ask_correction)(request, pk)

    def _ask_correction(self, request, pk):
        """Ask for correction, with the Reason of the decision form (the applicant reads it)."""
        return self._decide_with_reason(
            request,
            pk,
            services.request_ask_correction,
            _("A correction has been asked for: the applicant has been told."),
        )

    def _decide_with_reason(self, request, pk, decide, done):
        """Reject or ask for correction: the Reason is required and the applicant reads it."""
        obj = self._get_visible(request, pk)
        self._check_decide(request, obj)
        form = RejectForm(request.POST)
        if not form.is_valid():
            return self._render(request, obj, form, status=400)
        try:
            decide(request=obj, decided_by=request.user, reason=form.cleaned_data["reason"])
        except services.RequestError as error:
            self.message_user(request, _message_for(error), messages.ERROR)
            return HttpResponseRedirect(self._change_url(obj))
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:requests_app_authorisationrequest_changelist"))

    def membership_admin_view(self, request, pk):
        return require_POST(self._membership_admin)(request, pk)

    def _membership_admin(self, request, pk):
        membership = get_object_or_404(
            Membership.objects.select_related("organisation", "user"), pk=pk
        )
        back = request.POST.get("request")
        try:
            if request.POST.get("grant") == "1":
                services.admin_grant(membership=membership, by=request.user)
                self.message_user(
                    request, _("%(user)s is now an administrator.") % {"user": membership.user}
                )
            else:
                services.admin_revoke(membership=membership, by=request.user)
                self.message_user(
                    request,
                    _("%(user)s is no longer an administrator.") % {"user": membership.user},
                )
        except services.RequestNotAllowed as error:
            raise Http404 from error
        if back and back.isdigit():
            return HttpResponseRedirect(
                reverse("admin:requests_app_authorisationrequest_change", args=[int(back)])
            )
        return HttpResponseRedirect(reverse("admin:requests_app_authorisationrequest_changelist"))


@admin.register(Validator)
class ValidatorAdmin(admin.ModelAdmin):
    list_display = ["user", "authority"]
    list_select_related = ["user", "authority"]
    search_fields = ["user__email", "authority__name", "authority__short_name"]
    autocomplete_fields = []
    raw_id_fields = ["user"]


# --- Operators: merge duplicates, suspend and reinstate (validators of their authority) ---


class ValidatedOperatorAdmin(OperatorAdmin):
    """The operators' admin (entities) with what validators do to operators: merge a
    duplicate into the one that stays, suspend or reinstate one, with a reason.

    Validators see the operators of their authority's country, read-only; superusers all.
    """

    change_form_template = "admin/entities/operator/validated_change_form.html"
    # Why it is suspended, what it was merged into: set by the services, shown here.
    fieldsets = (
        *OperatorAdmin.fieldsets[:1],
        (gettext_lazy("Status"), {"fields": ("status_reason", "merged_into")}),
        *OperatorAdmin.fieldsets[1:],
    )
    readonly_fields = (*OperatorAdmin.readonly_fields, "status_reason", "merged_into")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        validator = Validator.objects.select_related("authority").filter(user=request.user).first()
        if validator is None:
            return queryset.none()
        return queryset.filter(country=validator.authority.country)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/merge/", wrap(self.merge_view), name="{}_{}_merge".format(*info)),
            path(
                "<int:pk>/suspend/",
                wrap(self.status_view),
                {"suspend": True},
                name="{}_{}_suspend".format(*info),
            ),
            path(
                "<int:pk>/reinstate/",
                wrap(self.status_view),
                {"suspend": False},
                name="{}_{}_reinstate".format(*info),
            ),
            *super().get_urls(),
        ]

    def _managed(self, request, pk) -> Organisation:
        """The operator if this person may merge or suspend it; 404 otherwise."""
        operator = self.get_queryset(request).filter(pk=pk).first()
        if (
            operator is None
            or not request.user.has_perm("requests_app.decide_authorisationrequest")
            or not services.can_manage_admins(user=request.user, organisation=operator)
        ):
            raise Http404
        return operator

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        operator = self.get_queryset(request).filter(pk=object_id).first()
        extra["can_manage"] = (
            operator is not None
            and request.user.has_perm("requests_app.decide_authorisationrequest")
            and services.can_manage_admins(user=request.user, organisation=operator)
        )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _context(self, request, operator, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "operator": operator,
            **extra,
        }

    def merge_view(self, request, pk):
        """Choose the operator that stays (GET), confirm (GET ?keep=), merge (POST)."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        duplicate = self._managed(request, pk)
        if duplicate.is_merged:
            self.message_user(request, _("This operator has already been merged."), messages.ERROR)
            return HttpResponseRedirect(self._operator_url(duplicate.merged_into_id))
        keep_pk = request.POST.get("keep") or request.GET.get("keep")
        keep = None
        if keep_pk and str(keep_pk).isdigit():
            keep = self.get_queryset(request).exclude(pk=duplicate.pk).filter(pk=keep_pk).first()
            if keep is None or keep.is_merged:
                raise Http404
        if keep is None:
            from entities.services import operator_with_eori, similar_operators

            candidates = [
                o
                for o in similar_operators(name=duplicate.name, country=duplicate.country)
                if o.pk != duplicate.pk
            ]
            same_eori = operator_with_eori(duplicate.eori, exclude_pk=duplicate.pk)
            if same_eori and same_eori not in candidates:
                candidates.insert(0, same_eori)
            return TemplateResponse(
                request,
                "admin/entities/operator/merge.html",
                self._context(
                    request,
                    duplicate,
                    title=_("Merge a duplicate operator"),
                    candidates=candidates,
                ),
            )
        if request.method == "GET":
            return TemplateResponse(
                request,
                "admin/entities/operator/merge_confirm.html",
                self._context(
                    request,
                    duplicate,
                    title=_("Merge a duplicate operator"),
                    keep=keep,
                    members=Membership.objects.filter(organisation=duplicate).count(),
                    requests=AuthorisationRequest.objects.filter(organisation=duplicate).count(),
                ),
            )
        try:
            services.operator_merge(duplicate=duplicate, keep=keep, by=request.user)
        except services.RequestNotAllowed as error:
            raise Http404 from error
        except services.RequestError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._operator_url(duplicate.pk))
        self.message_user(
            request,
            _("%(duplicate)s has been merged into %(operator)s.")
            % {"duplicate": duplicate.name, "operator": keep.name},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._operator_url(keep.pk))

    def status_view(self, request, pk, suspend: bool):
        """Suspend or reinstate: the reason (GET), its confirmation (POST), done (confirmed)."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        operator = self._managed(request, pk)
        form = OperatorStatusForm(request.POST if request.method == "POST" else None)
        title = _("Suspend an operator") if suspend else _("Reinstate an operator")
        context = self._context(request, operator, title=title, form=form, suspend=suspend)
        if request.method == "GET" or not form.is_valid():
            status = 400 if request.method == "POST" else 200
            return TemplateResponse(
                request, "admin/entities/operator/status.html", context, status=status
            )
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(request, "admin/entities/operator/status_confirm.html", context)
        action = services.operator_suspend if suspend else services.operator_reinstate
        try:
            action(operator=operator, by=request.user, reason=form.cleaned_data["reason"])
        except services.RequestNotAllowed as error:
            raise Http404 from error
        except services.RequestError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._operator_url(operator.pk))
        self.message_user(
            request,
            (
                _("%(operator)s has been suspended: its members have been told.")
                if suspend
                else _("%(operator)s has been reinstated: its members have been told.")
            )
            % {"operator": operator.name},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._operator_url(operator.pk))

    def _operator_url(self, pk):
        return reverse("admin:entities_operator_change", args=[pk])


admin.site.unregister(Operator)
admin.site.register(Operator, ValidatedOperatorAdmin)


# --- The competent authority appoints an operator's administrator ----------------------

admin.site.unregister(Membership)


@admin.register(Membership)
class MembershipAdmin(entities_admin.MembershipAdmin):
    """Memberships, with "Make administrator" for the competent authority.

    A company whose last administrator has gone asks its authority: the validators
    find its members here (search by the organisation's name or EORI), limited to
    the organisations of their authority's country, and appoint one. Superusers
    keep the plain editing of entities' admin.
    """

    actions = ["appoint_administrators"]

    def _validator(self, request) -> Validator | None:
        # Read once per request, shared with the queue (every admin page asks both).
        return AuthorisationRequestAdmin.validator_of(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        validator = self._validator(request)
        if validator is None:
            return queryset.none()
        return queryset.filter(organisation__country=validator.authority.country)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._validator(request) is not None

    def has_view_permission(self, request, obj=None):
        if super().has_view_permission(request, obj):
            return True
        if self._validator(request) is None:
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_appoint_permission(self, request):
        return request.user.is_superuser or self._validator(request) is not None

    @admin.action(
        description=gettext_lazy("Make the selected members administrators"),
        permissions=["appoint"],
    )
    def appoint_administrators(self, request, queryset):
        appointed = 0
        for membership in queryset.select_related("user", "organisation"):
            if membership.is_admin:
                continue
            try:
                services.admin_grant(membership=membership, by=request.user)
            except services.RequestError as error:
                self.message_user(request, f"{membership}: {error}", messages.ERROR)
            else:
                appointed += 1
        if appointed:
            self.message_user(
                request,
                _("%(count)d member(s) made administrator.") % {"count": appointed},
                messages.SUCCESS,
            )
