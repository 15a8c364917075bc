"""The validators' search in their queue: each word names the applicant or the organisation.

The admin's own search tests five columns of every request of the queue, joined
to its applicant and organisation (`UPPER(col) LIKE '%word%'`): for INAO's
50,000 requests, 230 ms per query, and a page runs two (the count and the rows).

Here each word is first looked up where it is indexed: applicants by their
e-mail and names, organisations by their name (trigram indexes on the very
expressions, accounts 0003 and entities 0003) or their EORI.
- A word that names few of them (a surname, an EORI, an e-mail) becomes "the
  requests of these applicants or organisations", read through their indexes.
- A word that names many ("bio": 87,000 operators) is tested request by
  request, as the admin did; but first the queue is narrowed to a few
  candidate requests whenever the words allow it (`_candidates`), so that
  "Merle Import SAS", three broad words, tests a handful of requests and not
  the whole queue.
Either way a word matches what the admin's search matched (any case, part of a
word; an EORI also with spaces or dots), and the requests found are the same
(requests_app/tests/test_queue_search.py).
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


def _ids(queryset: QuerySet) -> list[int]:
    """At most FEW + 1 primary keys: more than FEW means "many"."""
    return list(queryset.order_by().values_list("pk", flat=True)[: FEW + 1])


def _is_few(ids: list[int]) -> bool:
    return len(ids) <= FEW


def _through_matches(word: str, people, organisations) -> Q:
    """The requests of the (few) applicants and organisations the word names."""
    return Q(applicant_id__in=people[word]) | Q(organisation_id__in=organisations[word])


def _request_by_request(word: str) -> Q:
    return _person_matches(word, "applicant__") | _organisation_matches(word, "organisation__")


def _candidates(queryset, words, people, organisations) -> list[int] | None:
    """A few requests of `queryset` among which every match lies, or None.

    - When some words name few applicants and organisations, a match is among
      their requests.
    - When every word names few applicants, a match either has an applicant one
      of the words names, or an organisation whose name (or EORI) holds every word.
    """
    narrow = [w for w in words if _is_few(people[w]) and _is_few(organisations[w])]
    if narrow:
        if len(narrow) == len(words):
            return None  # every word is read through its indexes already
        condition = Q()
        for word in narrow:
            condition &= _through_matches(word, people, organisations)
    elif all(_is_few(people[w]) for w in words):
        every_word = Q()
        for word in words:
            every_word &= _organisation_matches(word)
        named_in_full = _ids(Organisation.objects.filter(every_word))
        if not _is_few(named_in_full):
            return None
        anyone = {pk for word in words for pk in people[word]}
        condition = Q(applicant_id__in=anyone) | Q(organisation_id__in=named_in_full)
    else:
        return None
    candidates = _ids(queryset.filter(condition))
    return candidates if _is_few(candidates) else None


def queue_search(queryset: QuerySet, search_term: str) -> QuerySet:
    """The requests of `queryset` that every word of the search names."""
    words = search_words(search_term)
    if not words:
        return queryset
    people = {w: _ids(get_user_model().objects.filter(_person_matches(w))) for w in words}
    organisations = {w: _ids(Organisation.objects.filter(_organisation_matches(w))) for w in words}
    candidates = _candidates(queryset, words, people, organisations)
    if candidates is not None:
        queryset = queryset.filter(pk__in=candidates)
    for word in words:
        if _is_few(people[word]) and _is_few(organisations[word]):
            queryset = queryset.filter(_through_matches(word, people, organisations))
        else:
            queryset = queryset.filter(_request_by_request(word))
    return queryset
