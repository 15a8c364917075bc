"""EORI numbers (Economic Operators Registration and Identification).

An EORI is the two-letter code of the issuing country followed by up to 15
letters or digits. France issues FR + SIREN (9 digits), formerly FR + SIRET
(14 digits); both carry a Luhn checksum, checked with python-stdnum.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren, siret

EORI_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,15}$")
# Separators people type or paste: spaces (also non-breaking), dots, dashes.
_SEPARATORS = re.compile(r"[\s.\-]+")


def normalise_eori(value: str) -> str:
    """Spaces and separators removed, upper case: ' fr 123.456 789 ' -> 'FR123456789'."""
    return _SEPARATORS.sub("", value or "").upper()


def validate_eori(value: str) -> str:
    """The normalised EORI, or ValidationError with a message a person can act on."""
    eori = normalise_eori(value)
    if not EORI_RE.match(eori):
        raise ValidationError(
            _(
                "Enter an EORI number: the two-letter country code, then 1 to 15 letters "
                "or digits (for example FR123456782)."
            ),
            code="eori_format",
        )
    if eori.startswith("FR"):
        number = eori[2:]
        if not number.isdigit() or len(number) not in (9, 14):
            raise ValidationError(
                _(
                    "A French EORI number is FR followed by the SIREN (9 digits) "
                    "or SIRET (14 digits)."
                ),
                code="eori_fr_format",
            )
        valid = siren.is_valid(number) if len(number) == 9 else siret.is_valid(number)
        if not valid:
            raise ValidationError(
                _("This SIREN or SIRET number is not valid: check its digits."),
                code="eori_fr_checksum",
            )
    return eori
