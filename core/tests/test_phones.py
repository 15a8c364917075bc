import pytest
from django.core.exceptions import ValidationError

from core.phones import phone_number


def test_a_number_without_country_code_is_read_in_the_organisations_country():
    number = phone_number("04 72 00 00 00", region="FR")
    assert number.as_e164 == "+33472000000"
    assert str(number) == "+33 4 72 00 00 00"  # shown in the international format


def test_a_number_with_its_country_code_needs_no_region():
    assert phone_number("+49 30 123456", region=None).as_e164 == "+4930123456"


def test_nothing_typed_is_no_number():
    assert phone_number("  ", region="FR") == ""


@pytest.mark.parametrize("value", ["12", "not a phone", "+33 1", "04 72 00 00 00 00 00"])
def test_what_is_not_a_valid_number_is_refused(value):
    with pytest.raises(ValidationError) as error:
        phone_number(value, region="FR")
    assert error.value.code == "phone"
