import pytest
from django.core.management import call_command

from entities.models import AuthorityKind, Kind, Organisation, Status
from entities.services import DATA_DIR

pytestmark = pytest.mark.django_db

EU = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]


def test_it_loads_a_central_authority_for_each_member_state_and_inao_for_france():
    call_command("load_reference_data", verbosity=0)
    central = Organisation.objects.authorities().filter(authority_kind=AuthorityKind.CENTRAL)
    assert sorted(str(c) for c in central.values_list("country", flat=True)) == sorted(EU)
    inao = Organisation.objects.central_authority_of("FR")
    assert inao.short_name == "INAO"
    assert inao.status == Status.VALID


def test_it_loads_french_border_control_posts_and_control_bodies():
    call_command("load_reference_data", verbosity=0)
    posts = Organisation.objects.authorities().filter(
        authority_kind=AuthorityKind.BORDER_CONTROL_POST
    )
    assert posts.filter(country="FR", city="Le Havre").exists()
    bodies = Organisation.objects.control_bodies()
    assert bodies.get(code="FR-BIO-01").name == "Ecocert France"
    assert bodies.filter(code__startswith="DE-ÖKO").exists()
    assert not bodies.exclude(status=Status.VALID).exists()


def test_it_is_idempotent_and_keeps_an_administrators_status():
    call_command("load_reference_data", verbosity=0)
    count = Organisation.objects.count()
    Organisation.objects.filter(kind=Kind.CONTROL_BODY, code="FR-BIO-01").update(
        status=Status.SUSPENDED
    )
    call_command("load_reference_data", verbosity=0)
    assert Organisation.objects.count() == count
    assert Organisation.objects.get(code="FR-BIO-01").status == Status.SUSPENDED


def test_every_data_file_names_its_public_source():
    for path in DATA_DIR.glob("*.csv"):
        header = path.read_text(encoding="utf-8").split("\ncode,")[0]
        assert "Source" in header, path.name
