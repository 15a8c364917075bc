"""Organisation workflows: the directory search, duplicate detection, creation."""

import csv
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from entities.eori import normalise_eori
from entities.models import (
    AuthorityKind,
    Kind,
    Organisation,
    OrganisationAction,
    OrganisationEvent,
    Status,
)
from entities.text import distinctive_words, normalise

# Sort keys a person may ask for, and what they mean; anything else -> "name".
SORTS = {
    "name": ("search_name", "pk"),
    "-name": ("-search_name", "-pk"),
    "country": ("country", "search_name", "pk"),
    "city": ("city", "search_name", "pk"),
    "newest": ("-pk",),
}
DEFAULT_SORT = "name"
# Set in the session once the person has searched the operators: only then is
# creating one offered (people find before they create).
SEARCHED_SESSION_KEY = "entities_searched"
# A trigram index cannot serve terms shorter than this: they match name starts.
MIN_CONTAINS_LENGTH = 3


@dataclass(frozen=True)
class DirectoryQuery:
    kind: str
    name: str = ""
    country: str = ""
    activity: str = ""  # "importer", "first_consignee" or ""
    city: str = ""
    identifier: str = ""
    sort: str = DEFAULT_SORT


def directory_search(query: DirectoryQuery) -> QuerySet[Organisation]:
    """Organisations of one kind matching every criterion given, sorted.

    The name matches part of a word, ignoring case, accents and punctuation.
    Rejected and merged organisations are left out: nobody can join them.
    """
    qs = (
        Organisation.objects.filter(kind=query.kind)
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .select_related("control_body")
    )
    term = normalise(query.name)
    if term:
        if len(term) < MIN_CONTAINS_LENGTH:
            qs = qs.filter(Q(search_name__startswith=term) | Q(search_name__contains=f" {term}"))
        else:
            qs = qs.filter(search_name__contains_phrase=term)
    if query.country:
        qs = qs.filter(country=query.country)
    if query.kind == Kind.OPERATOR:
        if query.activity == "importer":
            qs = qs.filter(is_importer=True)
        elif query.activity == "first_consignee":
            qs = qs.filter(is_first_consignee=True)
    if query.city:
        qs = qs.filter(city__iexact=query.city.strip())
    identifier = normalise_eori(query.identifier)
    if identifier:
        if query.kind == Kind.OPERATOR:
            qs = qs.filter(eori=identifier)
        else:
            qs = qs.filter(
                Q(code__istartswith=query.identifier.strip()) | Q(short_name__iexact=identifier)
            )
    return qs.order_by(*SORTS.get(query.sort, SORTS[DEFAULT_SORT]))


def operator_with_eori(eori: str, *, exclude_pk: int | None = None) -> Organisation | None:
    """The living (not rejected) operator holding this EORI, if any."""
    if not eori:
        return None
    qs = (
        Organisation.objects.operators()
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .filter(eori=eori)
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("pk").first()


SIMILARITY_THRESHOLD = 0.5


def similar_operators(*, name: str, country: str, limit: int = 10) -> list[Organisation]:
    """Living operators of the same country whose name resembles `name`.

    PostgreSQL: trigram similarity (pg_trgm's `%`, served by the GIN index).
    Elsewhere: operators whose normalised name contains a distinctive word of
    `name`, kept when their names are close (difflib) or one contains the other.
    """
    term = normalise(name)
    if not term or not country:
        return []
    qs = (
        Organisation.objects.operators()
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .filter(country=country)
        .select_related("control_body")
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        # `%` finds, through the trigram index, the names at least as similar as
        # pg_trgm.similarity_threshold: at its default of 0.3 a common name at a
        # million operators gave 42,000 candidates for the few kept at 0.5. Asked
        # at 0.5 itself, for this statement's transaction only (SET LOCAL).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [SIMILARITY_THRESHOLD])
            return list(
                qs.filter(search_name__similar=term)
                .annotate(similarity=TrigramSimilarity("search_name", term))
                .filter(similarity__gte=SIMILARITY_THRESHOLD)
                .order_by("-similarity", "pk")[:limit]
            )
    words = distinctive_words(term) or [term]
    longest = max(words, key=len)
    candidates = qs.filter(search_name__contains=longest).order_by("pk")[:500]
    scored = []
    for operator in candidates:
        other = operator.search_name
        ratio = SequenceMatcher(None, term, other).ratio()
        if ratio >= SIMILARITY_THRESHOLD or term in other or other in term:
            scored.append((-ratio, operator.pk, operator))
    return [operator for *_, operator in sorted(scored)[:limit]]


def organisation_event_record(
    *,
    organisation: Organisation,
    action: OrganisationAction | str,
    actor=None,
    subject=None,
    note: str = "",
    changes: dict | None = None,
) -> OrganisationEvent:
    """One row of an organisation's append-only history (every service that changes
    an organisation or its members writes one)."""
    return OrganisationEvent.objects.create(
        organisation=organisation,
        action=action,
        actor=actor,
        subject=subject,
        note=note,
        changes=changes or {},
    )


@transaction.atomic
def operator_create(*, data: dict, created_by) -> Organisation:
    """Write a New operator from OperatorForm.cleaned_data, its creator recorded.

    The caller (the requests app) runs this in the same transaction as the
    authorisation request, so an abandoned request leaves no operator behind.
    """
    operator = Organisation(
        kind=Kind.OPERATOR,
        status=Status.NEW,
        name=data["name"],
        country=data["country"],
        city=data.get("city", ""),
        address=data.get("address", ""),
        postcode=data.get("postcode", ""),
        phone=data.get("phone") or "",
        email=data.get("email", ""),
        eori=data.get("eori", ""),
        is_importer=bool(data.get("is_importer")),
        is_first_consignee=bool(data.get("is_first_consignee")),
        control_body=data.get("control_body"),
        created_by=created_by,
    )
    operator.full_clean(exclude=["created_by"], validate_constraints=True)
    operator.save()
    organisation_event_record(
        organisation=operator, action=OrganisationAction.CREATED, actor=created_by
    )
    return operator


# What an applicant describes of an operator (OperatorForm), and may correct.
OPERATOR_DETAIL_FIELDS = (
    "name",
    "country",
    "city",
    "address",
    "postcode",
    "phone",
    "email",
    "eori",
    "is_importer",
    "is_first_consignee",
    "control_body",
)


def _shown(value):
    """A field's value as the history keeps it (JSON): a control body by its pk."""
    if isinstance(value, Organisation):
        return value.pk
    if hasattr(value, "as_e164"):  # a phone number
        return value.as_e164 if value else ""
    if value is None:
        return ""
    return value if isinstance(value, bool | int) else str(value)


@transaction.atomic
def operator_details_update(
    *, operator: Organisation, data: dict, actor, note: str = ""
) -> Organisation:
    """Write an operator's corrected details (OperatorForm.cleaned_data) to its row,
    with the changed fields in its history ({"field": [old, new]})."""
    operator = Organisation.objects.select_for_update().get(pk=operator.pk)
    changes = {}
    for field in OPERATOR_DETAIL_FIELDS:
        new = data.get(field)
        if field in ("is_importer", "is_first_consignee"):
            new = bool(new)
        elif field != "control_body":
            new = new or ""
        old = getattr(operator, field)
        if _shown(old) != _shown(new):
            changes[field] = [_shown(old), _shown(new)]
            setattr(operator, field, new)
    if not changes:
        return operator
    operator.full_clean(exclude=["created_by"], validate_constraints=True)
    operator.save()
    organisation_event_record(
        organisation=operator,
        action=OrganisationAction.CHANGED,
        actor=actor,
        note=note,
        changes=changes,
    )
    return operator


# What a valid operator's administrators may propose to change (DESIGN §4): its
# details but the country (which decides the authority that validates the operator).
OPERATOR_CHANGE_FIELDS = tuple(f for f in OPERATOR_DETAIL_FIELDS if f != "country")


def operator_values(operator: Organisation) -> dict:
    """The operator's changeable values as JSON keeps them (a control body by its pk)."""
    return {
        field: operator.control_body_id
        if field == "control_body"
        else _shown(getattr(operator, field))
        for field in OPERATOR_CHANGE_FIELDS
    }


@transaction.atomic
def operator_change_apply(*, operator: Organisation, proposed: dict, actor, note: str = "") -> dict:
    """Apply exactly the proposed fields to the (locked) operator, checked as a new one
    is; its history keeps {field: [before, after]}. Raises ValidationError (an EORI
    taken since the proposal, say)."""
    operator = Organisation.objects.select_for_update().get(pk=operator.pk)
    before = operator_values(operator)
    changes = {}
    for field, value in proposed.items():
        if field not in OPERATOR_CHANGE_FIELDS:
            continue
        if field == "control_body":
            operator.control_body_id = value
        else:
            setattr(operator, field, value)
        if before[field] != value:
            changes[field] = [before[field], value]
    if not changes:
        return {}
    operator.full_clean(exclude=["created_by"], validate_constraints=True)
    operator.save()
    organisation_event_record(
        organisation=operator,
        action=OrganisationAction.CHANGED,
        actor=actor,
        note=note,
        changes=changes,
    )
    return changes


DATA_DIR = Path(__file__).resolve().parent / "data"


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#") and line.strip()]
    return list(csv.DictReader(lines))


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Create or update authorities and control bodies from the CSV files, by code.

    Idempotent: a second run changes nothing. New rows are Valid; an existing
    row keeps the status an administrator gave it.
    """
    rows = []
    for row in _read_csv(data_dir / "central_authorities.csv"):
        rows.append(
            (
                Kind.AUTHORITY,
                row["code"],
                {
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "country": row["country"],
                    "city": row["city"],
                    "authority_kind": AuthorityKind.CENTRAL,
                },
            )
        )
    for row in _read_csv(data_dir / "border_control_posts_fr.csv"):
        rows.append(
            (
                Kind.AUTHORITY,
                row["code"],
                {
                    "name": row["name"],
                    "country": "FR",
                    "city": row["city"],
                    "authority_kind": AuthorityKind.BORDER_CONTROL_POST,
                },
            )
        )
    for row in _read_csv(data_dir / "control_bodies.csv"):
        rows.append(
            (
                Kind.CONTROL_BODY,
                row["code"],
                {
                    "name": row["name"],
                    "country": row["country"],
                    "city": row["city"],
                    "control_body_kind": row["control_body_kind"],
                },
            )
        )
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for kind, code, values in rows:
        existing = Organisation.objects.filter(kind=kind, code=code).first()
        if existing is None:
            Organisation.objects.create(kind=kind, code=code, status=Status.VALID, **values)
            counts["created"] += 1
        elif any(getattr(existing, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(existing, field, value)
            existing.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
