import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn

from entities.eori import normalise_eori, validate_eori

SIREN = "732829320"  # a real-format SIREN whose Luhn checksum holds
SIRET = "73282932000074"


def test_it_removes_spaces_dots_and_dashes_and_upper_cases():
    assert normalise_eori(" fr 732 829.320-\u00a0") == "FR732829320"


@pytest.mark.parametrize(
    "value",
    [
        f"FR{SIREN}",
        f"fr {SIREN[:3]} {SIREN[3:6]} {SIREN[6:]}",
        f"FR{SIRET}",
        "DE1234567890123",
        "IT01234567890",
        "NL123456789",
        "ESB12345678",
        "GB123456789000",
        "EL1",
    ],
)
def test_it_accepts_well_formed_numbers(value):
    assert validate_eori(value) == normalise_eori(value)


def test_a_french_siren_with_a_wrong_checksum_is_refused():
    wrong = SIREN[:-1] + str((int(SIREN[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        validate_eori(f"FR{wrong}")
    assert error.value.code == "eori_fr_checksum"


def test_a_french_siret_with_a_wrong_checksum_is_refused():
    wrong = SIRET[:-1] + str((int(SIRET[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        validate_eori(f"FR{wrong}")
    assert error.value.code == "eori_fr_checksum"


@pytest.mark.parametrize("number", ["12345678", "1234567890", "ABC123456", "7328293200007"])
def test_a_french_eori_must_be_a_siren_or_a_siret(number):
    with pytest.raises(ValidationError) as error:
        validate_eori(f"FR{number}")
    assert error.value.code == "eori_fr_format"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "F",
        "FR",
        "123456789",
        "1R123",
        "DE12345678901234567",
        "DE-12?34",
        "DÉ123",
        "<script>",
        "DE 123\x00456",
    ],
)
def test_malformed_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_eori(value)


def test_every_factory_eori_is_valid():
    base = "10000042"
    assert validate_eori(f"FR{base}{luhn.calc_check_digit(base)}")
