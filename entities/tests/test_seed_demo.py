import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from entities.eori import validate_eori
from entities.models import Organisation
from entities.text import normalise

pytestmark = pytest.mark.django_db


def test_it_asks_for_reference_data_first():
    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("seed_demo", operators=10, verbosity=0)


def test_it_adds_realistic_valid_operators(capsys):
    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo", operators=300, seed=3)
    operators = list(Organisation.objects.operators())
    assert len(operators) == 300
    assert "Added 300 demo operators" in capsys.readouterr().out
    assert len({o.country for o in operators}) > 3
    for operator in operators:
        operator.full_clean()  # model constraints, country, phone
        assert operator.is_importer or operator.is_first_consignee
        assert operator.control_body_id
        assert operator.search_name == normalise(operator.name)
        if operator.eori:
            assert validate_eori(operator.eori) == operator.eori


def test_the_same_seed_gives_the_same_operators():
    from entities.demo import operators_generate

    call_command("load_reference_data", verbosity=0)
    first = [(o.name, o.eori, o.city) for o in operators_generate(count=50, seed=7)]
    second = [(o.name, o.eori, o.city) for o in operators_generate(count=50, seed=7)]
    other = [(o.name, o.eori, o.city) for o in operators_generate(count=50, seed=8)]
    assert first == second
    assert first != other


def test_a_second_run_adds_more_without_eori_conflicts():
    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo", operators=100, seed=1, verbosity=0)
    call_command("seed_demo", operators=100, seed=1, verbosity=0)
    assert Organisation.objects.operators().count() == 200
