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


@pytest.mark.parametrize(
    "few", [1000, 3, 0], ids=["through-the-matches", "both-ways", "request-by-request"]
)
def test_every_term_finds_what_the_admins_search_found(queue, monkeypatch, few):
    monkeypatch.setattr(search, "FEW", few)
    for term in TERMS:
        assert ours(queue, term) == admin_search(queue, term), term
    assert ours(queue, "curie radium") and not ours(queue, "zzz")


def test_broad_words_are_tested_on_the_few_requests_they_can_name_together(
    inao, validator_inao, monkeypatch
):
    zoe = UserFactory(first_name="Zoé", last_name="Zed", email="zz@example.eu")
    for name in ("Merle Import SAS", "Merle Négoce SA", "Roussel Import SAS"):
        request_submit(applicant=zoe, organisation=OperatorFactory(name=name, country="FR"))
    queue = AuthorisationRequest.objects.all()
    monkeypatch.setattr(search, "FEW", 1)  # "merle", "import", "sas": each names two
    for term in ("Merle Import", "import sas", "Merle SA", "SAS Roussel", "zz import", "sa"):
        assert ours(queue, term) == admin_search(queue, term), term
    assert len(ours(queue, "Merle Import")) == 1


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
def test_people_and_organisations_are_looked_up_through_their_trigram_indexes(queue):
    assert connection.vendor == "postgresql"
    people = _plan_without_scans(User.objects.filter(search._person_matches("curie")))
    for column in ("email", "first_name", "last_name"):
        assert f"user_{column}_upper_trgm" in people
    organisations = _plan_without_scans(
        Organisation.objects.filter(search._organisation_matches("lyon"))
    )
    assert "org_name_upper_trgm" in organisations and "org_eori" in organisations
