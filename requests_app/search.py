"""The validators' search in their queue, on the request's own search column.

`AuthorisationRequest.search_text` holds, normalised (lower case, no accents,
no punctuation), the applicant's first and last names and e-mail and the
organisation's name and identifier. Each word a validator types must appear in
it (as the admin's search asks every word to match some column), so "Valette
SARL", "müller", "anne.muller@" or "FR 552 100 554" find their requests,
accents and punctuation aside. On PostgreSQL a trigram index on the column
serves every word of three letters or more. A whole e-mail address is the one
applicant who has it.

The column is derived data: it is written with the request, and rewritten for
the requests of a person or an organisation whose name, e-mail or identifier
changes (`refresh_for_person`, `refresh_for_organisation`; signals.py calls them
for saves made anywhere, the admin's included).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from entities.eori import EORI_RE, normalise_eori
from entities.text import normalise
from requests_app.models import AuthorisationRequest

# What a person's or an organisation's row contributes to the column.
PERSON_FIELDS = ("first_name", "last_name", "email")
ORGANISATION_FIELDS = ("name", "eori", "code")


def search_words(search_term: str) -> list[str]:
    """The words of a search as the admin splits them: quotes keep a phrase whole."""
    words = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit)
    return words


def search_text(*, applicant, organisation) -> str:
    """The column's value for a request of `applicant` to `organisation`."""
    parts = [getattr(applicant, f) for f in PERSON_FIELDS]
    parts += [getattr(organisation, f) for f in ORGANISATION_FIELDS]
    identifier = organisation.identifier
    # The identifier also in one piece ("fr552100554"), as an EORI is typed.
    return normalise(" ".join(str(p) for p in parts if p)) + (
        f" {normalise_eori(identifier).lower()}" if identifier else ""
    )


def _is_email(word: str) -> bool:
    try:
        validate_email(word)
    except ValidationError:
        return False
    return True


def _word_matches(word: str) -> Q | None:
    if _is_email(word):
        # A whole address names one person: their requests, through the e-mail's
        # unique index (addresses are stored in lower case), not a text search.
        return Q(applicant__email=word.lower())
    phrase = normalise(word)
    if not phrase:
        return None
    condition = Q(search_text__contains=phrase)
    compact = normalise_eori(word)
    if " " in phrase and EORI_RE.match(compact):
        condition |= Q(search_text__contains=compact.lower())  # "FR 552.100 554"
    return condition


def queue_search(queryset: QuerySet, search_term: str) -> QuerySet:
    """The requests of `queryset` whose search text holds every word of the search."""
    for word in search_words(search_term):
        condition = _word_matches(word)
        if condition is not None:
            queryset = queryset.filter(condition)
    return queryset


def refresh_for_person(person) -> int:
    """Rewrite the search text of a person's requests (after a change of name or e-mail)."""
    return _refresh(AuthorisationRequest.objects.filter(applicant=person))


def refresh_for_organisation(organisation) -> int:
    """Rewrite the search text of the requests about an organisation."""
    return _refresh(AuthorisationRequest.objects.filter(organisation=organisation))


def _refresh(requests) -> int:
    changed = []
    for request in requests.select_related("applicant", "organisation").only(
        "search_text",
        *(f"applicant__{f}" for f in PERSON_FIELDS),
        *(f"organisation__{f}" for f in (*ORGANISATION_FIELDS, "kind")),
    ):
        text = search_text(applicant=request.applicant, organisation=request.organisation)
        if text != request.search_text:
            request.search_text = text
            changed.append(request)
    AuthorisationRequest.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)
