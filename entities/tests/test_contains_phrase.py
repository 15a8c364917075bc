"""`search_name__contains_phrase`: the rows of `contains`, found through fewer index pages."""

import pytest

from entities.models import Organisation
from entities.tests.factories import OperatorFactory
from entities.tests.test_search_index import plan_without_scans

NAMES = [
    "Chauveau & Dufour EURL",
    "Dufour Chauveau EURL",  # the words in the other order
    "Chauveau et Dufour",  # a word between them
    "Les Chauveau-Dufour Eurl",
    "Chauveau Dufourneau EURL",  # "dufour" as part of a word, not followed by " eurl"
    "Bio Dufour",
]
TERMS = [
    "chauveau dufour eurl",
    "chauveau dufour",
    "dufour chauveau",
    "veau dufo",
    "chauveau",
    "dufour eurl",
    "bio dufour",
    "et dufour",
    "eau et duf",
    "nothing like it",
]


@pytest.mark.django_db
@pytest.mark.parametrize("term", TERMS)
def test_it_finds_exactly_what_contains_finds(term):
    for name in NAMES:
        OperatorFactory(name=name)
    phrase = set(Organisation.objects.filter(search_name__contains_phrase=term))
    contains = set(Organisation.objects.filter(search_name__contains=term))
    assert phrase == contains


def _sql(term):
    sql, params = Organisation.objects.filter(
        search_name__contains_phrase=term
    ).query.sql_with_params()
    return sql, params


@pytest.mark.django_db
@pytest.mark.postgres
def test_on_postgresql_the_index_is_asked_for_the_distinctive_words_only():
    sql, params = _sql("chauveau dufour eurl")
    assert "strpos" in sql
    assert "%chauveau%dufour%" in params and "chauveau dufour eurl" in params
    plan = plan_without_scans(sql, params)
    assert "org_search_name_trgm" in plan
    assert "'%chauveau%dufour%'" in plan


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["chauveau", "chauveau eurl", "sarl bio", "ab cd"])
def test_a_term_with_fewer_than_two_distinctive_words_is_a_plain_contains(term):
    sql, params = _sql(term)
    assert "strpos" not in sql
    assert f"%{term}%" in params
