"""Phone numbers, through django-phonenumber-field: one reading and one format everywhere.

A number is read in the region of the organisation it belongs to (a French
operator's "04 72 00 00 00"), stored in E.164 ("+33472000000", the field's
default) and shown in the international format ("+33 4 72 00 00 00",
PHONENUMBER_DEFAULT_FORMAT).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber, to_python

INVALID = _("Enter a phone number, e.g. +33 1 23 45 67 89.")


def phone_number(value: str, *, region: str | None = None) -> PhoneNumber | str:
    """The number `value` names, read in `region` when it has no country code; "" for none.

    Raises ValidationError when it is not a valid number."""
    value = (value or "").strip()
    if not value:
        return ""
    number = to_python(value, region=str(region) if region else None)
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        raise ValidationError(INVALID, code="phone")
    return number
