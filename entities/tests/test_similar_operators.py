import pytest

from entities.services import similar_operators
from entities.tests.factories import OperatorFactory, valid_fr_eori

pytestmark = pytest.mark.django_db


def test_it_finds_operators_with_a_close_name_in_the_same_country():
    close = OperatorFactory(name="Les Jardins de Provence SARL", eori=valid_fr_eori(1))
    OperatorFactory(name="Les Jardins de Provence", country="IT", eori="IT01234567890")
    OperatorFactory(name="Boulangerie Martin", eori=valid_fr_eori(2))
    assert similar_operators(name="Jardins de Provence", country="FR") == [close]


def test_accents_and_case_do_not_hide_a_duplicate():
    close = OperatorFactory(name="ÉPICERIE DU MARCHÉ", eori=valid_fr_eori(3))
    assert similar_operators(name="Epicerie du marche", country="FR") == [close]


def test_rejected_operators_are_not_duplicates():
    OperatorFactory(name="Jardins de Provence", status="rejected", eori=valid_fr_eori(4))
    assert similar_operators(name="Jardins de Provence", country="FR") == []


def test_nothing_is_similar_to_an_unrelated_name():
    OperatorFactory(name="Jardins de Provence", eori=valid_fr_eori(5))
    assert similar_operators(name="Kaffeerösterei Nord", country="FR") == []
