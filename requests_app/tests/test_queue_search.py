"""The validators' search (requests_app/search.py): what the admin's search found, faster."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory

from accounts.models import User
from accounts.tests.factories import UserFactory
from entities.models import Organisation
from entities.tests.factories import OperatorFactory
from requests_app import search
from requests_app.admin import AuthorisationRequestAdmin
from requests_app.models import AuthorisationRequest
from requests_app.services import request_submit

pytestmark = pytest.mark.django_db

TERMS = [
    "anne",
    "MÜLLER",
    "muller",
    "José Dupont",
    "curie radium",
    "dupont",
    "marie",
    "radium",
    "ferme",
    "étang",
    "etang",
    "l'étang",
    "bio",
    "Bio Import",
    '"Bio Import"',
    '"Import Bio"',
    "lyon anne",
    "bio lyon",
    "e anne",
    "lyon e",
    "lyon example",
    "Bio Import Lyon",
    "Köln",
    "koln",
    "FR552100554",
    "fr552100554",
    "@example.eu",
    "e",
    "zzz",
]


@pytest.fixture
def queue(inao, other_authority, validator_inao, validator_other):
    anne = UserFactory(first_name="Anne", last_name="Müller", email="anne.muller@example.eu")
    jose = UserFactory(first_name="José", last_name="Dupont", email="jose@ferme.example")
    marie = UserFactory(first_name="Marie", last_name="Curie", email="marie@radium.example")
    lyon = OperatorFactory(name="Bio Import Lyon", country="FR", eori="FR552100554")
    ferme = OperatorFactory(name="Ferme de l'Étang", country="FR", eori="FR732829320")
    koln = OperatorFactory(name="Bio Handel Köln", country="DE", eori="DE123456789012")
    for person in (anne, jose, marie):
        for operator in (lyon, ferme, koln):
            request_submit(applicant=person, organisation=operator)
    return AuthorisationRequest.objects.all()


def admin_search(queryset, term):
    """The Django admin's own search over the queue's search_fields."""
    model_admin = admin.site._registry[AuthorisationRequest]
    request = RequestFactory().get("/")
    found, _ = super(AuthorisationRequestAdmin, model_admin).get_search_results(
        request, queryset, term
    )
    return set(found.values_list("pk", flat=True))


def ours(queryset, term):
    return set(search.queue_search(queryset, term).values_list("pk", flat=True))


def test_every_term_finds_what_the_admins_search_found_accents_and_punctuation_aside(queue):
    for term in TERMS:
        expected = admin_search(queue, term) | admin_search(queue, _unaccented(term))
        found = ours(queue, term)
        # What the admin found, and also what differs by accents only ("muller", "Müller").
        assert admin_search(queue, term) <= found, term
        assert found <= _unaccented_admin_search(queue, term), term
        assert expected <= found, term
    assert ours(queue, "curie radium") and not ours(queue, "zzz")


def _unaccented(term: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", term) if not unicodedata.combining(c))


def _unaccented_admin_search(queryset, term) -> set[int]:
    """What the admin would find if names had no accents and no punctuation."""
    from entities.text import normalise

    words = [normalise(w) for w in search.search_words(term)]
    found = set()
    for request in queryset.select_related("applicant", "organisation"):
        text = normalise(
            " ".join(
                [
                    request.applicant.first_name,
                    request.applicant.last_name,
                    request.applicant.email,
                    request.organisation.name,
                    request.organisation.eori,
                ]
            )
        )
        if all(w in text for w in words if w):
            found.add(request.pk)
    return found


def test_searches_as_a_validator_types_them(queue):
    def names(term):
        return {
            (r.applicant.first_name, r.organisation.name)
            for r in queue.filter(pk__in=ours(queue, term)).select_related(
                "applicant", "organisation"
            )
        }

    assert names("muller lyon") == {("Anne", "Bio Import Lyon")}
    assert names("MÜLLER étang") == {("Anne", "Ferme de l'Étang")}
    assert names("l'etang jose") == {("José", "Ferme de l'Étang")}
    assert names("anne.muller@example.eu koln") == {("Anne", "Bio Handel Köln")}
    assert len(names("bio")) == 6  # Bio Import Lyon and Bio Handel Köln, three people each


def test_a_rename_rewrites_the_search_text_of_the_requests(queue):
    anne = User.objects.get(first_name="Anne")
    anne.last_name = "Valette"
    anne.save()
    assert len(ours(queue, "valette")) == 3
    lyon = Organisation.objects.get(name="Bio Import Lyon")
    lyon.name = "Valette SARL"
    lyon.save(update_fields=["name"])
    assert len(ours(queue, "Valette SARL")) == 3  # the three requests to the renamed one
    assert len(ours(queue, "valette")) == 5


def test_a_log_in_does_not_rewrite_anything(queue, django_assert_num_queries):
    anne = User.objects.get(first_name="Anne")
    with django_assert_num_queries(1):
        anne.save(update_fields=["last_login"])


def test_an_eori_is_found_as_people_type_it(queue):
    lyon = set(queue.filter(organisation__name="Bio Import Lyon").values_list("pk", flat=True))
    assert ours(queue, '"FR 552.100 554"') == lyon
    assert ours(queue, "fr552100554") == lyon


def test_the_search_stays_inside_the_validators_queue(queue, validator_other, validator_inao):
    for validator, country, count in ((validator_other, "DE", 1), (validator_inao, "FR", 2)):
        visible = AuthorisationRequest.objects.for_validator(validator)
        found = search.queue_search(visible, "anne")
        assert found.count() == count and {r.organisation.country for r in found} == {country}


def test_no_words_no_search_and_no_query(queue, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search.queue_search(queue, "  ") is queue


def test_words_are_split_as_the_admin_splits_them():
    assert search.search_words(" bio  \"import lyon\" 'x y'  ") == ["bio", "import lyon", "x y"]
    assert search.search_words("   ") == []


def test_the_queue_page_searches_this_way(client, queue, validator_inao):
    client.force_login(validator_inao)
    page = client.get("/admin/requests_app/authorisationrequest/?q=fr552.100.554&status__exact=all")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Bio Import Lyon" in text and "Étang" not in text and "Köln" not in text


def _plan_without_scans(queryset) -> str:
    from entities.tests.test_search_index import plan_without_scans

    return plan_without_scans(*queryset.values("pk").query.sql_with_params())


@pytest.mark.postgres
def test_each_word_is_looked_up_through_the_trigram_index(queue):
    assert connection.vendor == "postgresql"
    plan = _plan_without_scans(search.queue_search(queue, "Valette SARL"))
    assert "request_search_text_trgm" in plan


def test_a_whole_address_is_the_applicant_who_has_it_a_part_is_searched(queue):
    annes = set(queue.filter(applicant__first_name="Anne").values_list("pk", flat=True))
    assert ours(queue, "Anne.Muller@Example.EU") == annes
    assert ours(queue, "anne.muller@") == annes
    assert ours(queue, "nobody@example.eu") == set()
