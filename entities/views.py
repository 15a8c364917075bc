"""The directory of organisations and an organisation's page."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from entities.forms import DirectorySearchForm
from entities.models import Kind, Membership, Organisation
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


@login_required
@require_safe
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(
        Organisation.objects.select_related("control_body").only(*ORGANISATION_PAGE_COLUMNS),
        pk=pk,
    )
    if organisation.is_merged:
        # A duplicate merged into another: its links lead to the one that stays.
        return redirect("entities:organisation", organisation.merged_into_id)
    # Why it is suspended is for its members (one more query, only then).
    is_member = (
        organisation.is_suspended
        and Membership.objects.filter(user=request.user, organisation=organisation).exists()
    )
    return render(
        request,
        "entities/organisation.html",
        {
            "organisation": organisation,
            "is_member": is_member,
            "directory_url": reverse(KIND_SLUGS[organisation.kind]),
            "actions": organisation_actions.panels(request, organisation=organisation),
        },
    )
