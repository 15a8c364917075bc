"""The validators' search in their queue: each word names the applicant or the organisation.

The admin's own search tests five columns of every request of the queue, joined
to its applicant and organisation (`UPPER(col) LIKE '%word%'`): for INAO's
50,000 requests, 230 ms per query, and a page runs two (the count and the rows).
Here each word is first looked up where it is indexed: applicants by their
e-mail and names, organisations by their name (trigram indexes on the very
expressions, accounts 0003 and entities 0003) or their EORI. When the word
names few of them, the queue is read through their requests; when it names
many ("bio": 87,000 operators), each request of the queue is tested, as the
admin does, which finds a page of matches early. Either way a word matches what
the admin's search matched (any case, part of a word; an EORI also with spaces
or dots), and both ways keep the same requests (requests_app/tests/test_queue_search.py).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from entities.eori import normalise_eori
from entities.models import Organisation

# Past this many applicants or organisations, a word is tested request by request.
FEW = 1000


def search_words(search_term: str) -> list[str]:
    """The words of a search as the admin splits them: quotes keep a phrase whole."""
    words = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit)
    return words


def _person_matches(word: str, prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}email__icontains": word})
        | Q(**{f"{prefix}first_name__icontains": word})
        | Q(**{f"{prefix}last_name__icontains": word})
    )


def _organisation_matches(word: str, prefix: str = "") -> Q:
    condition = Q(**{f"{prefix}name__icontains": word})
    if eori := normalise_eori(word):
        condition |= Q(**{f"{prefix}eori": eori})
    return condition


def _through_matches(word: str) -> Q | None:
    """The word as "requests of these applicants or organisations", or None when it
    names more than FEW of either."""
    people = list(
        get_user_model()
        .objects.filter(_person_matches(word))
        .order_by()
        .values_list("pk", flat=True)[: FEW + 1]
    )
    organisations = list(
        Organisation.objects.filter(_organisation_matches(word))
        .order_by()
        .values_list("pk", flat=True)[: FEW + 1]
    )
    if len(people) > FEW or len(organisations) > FEW:
        return None
    return Q(applicant_id__in=people) | Q(organisation_id__in=organisations)


def _request_by_request(word: str) -> Q:
    return _person_matches(word, "applicant__") | _organisation_matches(word, "organisation__")


def queue_search(queryset: QuerySet, search_term: str) -> QuerySet:
    """The requests of `queryset` that every word of the search names."""
    words = search_words(search_term)
    broad = []
    for word in words:
        condition = _through_matches(word)
        if condition is None:
            broad.append(word)
        else:
            queryset = queryset.filter(condition)
    if broad and len(broad) < len(words):
        # The other words named few applicants or organisations, so few requests:
        # the broad words ("AG" of "Gute AG") are tested on those alone. In one
        # query, PostgreSQL joined the whole queue to a million organisations to
        # test them (470 -> 47 ms for INAO, every status).
        candidates = list(queryset.order_by().values_list("pk", flat=True)[: FEW + 1])
        if len(candidates) <= FEW:
            queryset = queryset.filter(pk__in=candidates)
    for word in broad:
        queryset = queryset.filter(_request_by_request(word))
    return queryset
