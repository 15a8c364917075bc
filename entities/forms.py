"""Forms of the directory: they validate and normalise; they never write."""

import re
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.phones import phone_number
from core.text import multiline, one_line, without_invisible
from core.widgets import CachedOptionsSelect
from entities.eori import validate_eori
from entities.models import Kind, Organisation
from entities.services import (
    OPERATOR_CHANGE_FIELDS,
    SORTS,
    operator_values,
    operator_with_eori,
    similar_operators,
)

# Postcodes: the formats of the most frequent countries, a loose rule elsewhere.
POSTCODE_FORMATS = {
    "FR": r"\d{5}",
    "DE": r"\d{5}",
    "IT": r"\d{5}",
    "ES": r"\d{5}",
    "BE": r"\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "PT": r"\d{4}-\d{3}",
    "AT": r"\d{4}",
    "PL": r"\d{2}-\d{3}",
}
POSTCODE_ANY = r"[A-Z0-9][A-Z0-9 \-]{1,9}"


_COUNTRIES_BY_LANGUAGE: dict[str, tuple] = {}


def country_choices(blank_label):
    """The countries sorted by their name in the active language, after a blank choice.

    Translating and sorting 250 names on every form costs more than the page's
    queries: done once per language.
    """
    language = get_language() or ""
    names = _COUNTRIES_BY_LANGUAGE.get(language)
    if names is None:
        names = _COUNTRIES_BY_LANGUAGE[language] = tuple((c.code, str(c.name)) for c in countries)
    return [("", blank_label), *names]


class DirectorySearchForm(forms.Form):
    """The directory's search criteria; bad values simply are not applied."""

    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        widget=CachedOptionsSelect(key="entities.directory_country"),
    )
    activity = forms.ChoiceField(
        label=_("Activity"),
        required=False,
        choices=[
            ("", _("Any activity")),
            ("importer", _("Organic importer")),
            ("first_consignee", _("Organic operator (first consignee)")),
        ],
        widget=CachedOptionsSelect(key="entities.directory_activity"),
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    identifier = forms.CharField(label=_("Identifier"), required=False, max_length=40)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name, A to Z")),
            ("-name", _("Name, Z to A")),
            ("country", _("Country")),
            ("city", _("City")),
            ("newest", _("Newest first")),
        ],
        widget=CachedOptionsSelect(key="entities.directory_sort"),
    )

    def __init__(self, *args, kind: str, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.kind = kind
        # A callable: the 250 countries are listed only to validate a submitted one.
        self.fields["country"].choices = partial(country_choices, _("Any country"))
        self.fields["identifier"].help_text = (
            _("EORI number") if kind == Kind.OPERATOR else _("Code, for example FR-BIO-01")
        )
        if kind != Kind.OPERATOR:
            del self.fields["activity"]
        assert {c for c, _label in self.fields["sort"].choices} <= set(SORTS)

    def clean_name(self):
        return without_invisible(self.cleaned_data["name"])

    def clean_city(self):
        return without_invisible(self.cleaned_data["city"])


class ControlBodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name}" if obj.code else obj.name


class OperatorForm(forms.Form):
    """A new operator, as an applicant describes it.

    Bound to a POST (entities) or to the same data kept in the session
    (the creation flow re-binds it before creating): it reads the database to find
    duplicates, and never writes.
    """

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the operator's name")},
    )
    country = forms.ChoiceField(
        label=_("Country"),
        widget=CachedOptionsSelect(key="entities.operator_country"),
        error_messages={
            "required": _("Choose the operator's country"),
            "invalid_choice": _("Choose the operator's country from the list"),
        },
    )
    city = forms.CharField(
        label=_("City"), max_length=100, error_messages={"required": _("Enter the city")}
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=255,
        error_messages={"required": _("Enter the address: street and number")},
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=16, error_messages={"required": _("Enter the postcode")}
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        required=False,
        help_text=_(
            "With the country code when it is not the operator's country, e.g. +33 1 23 45 67 89."
        ),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Enter an e-mail address in the right format, like name@example.eu")
        },
    )
    is_importer = forms.BooleanField(label=_("Organic importer"), required=False)
    is_first_consignee = forms.BooleanField(
        label=_("Organic operator (first consignee)"), required=False
    )
    eori = forms.CharField(
        label=_("EORI number"),
        max_length=40,
        required=False,
        help_text=_(
            "Required for an organic importer. Country code then up to 15 letters or digits; "
            "in France FR followed by the SIREN or the SIRET."
        ),
    )
    control_body = ControlBodyChoiceField(
        label=_("Control body"),
        queryset=Organisation.objects.control_bodies().valid().order_by("country", "code"),
        empty_label=_("Choose the control body that certifies the operator"),
        error_messages={
            "required": _("Choose the control body that certifies the operator"),
            "invalid_choice": _("Choose the control body from the list"),
        },
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("None of these organisations is mine: create a new operator."),
        required=False,
    )
    # "Is it one of these?": asked of a new operator and of a correction.
    check_similar_names = True

    def __init__(self, *args, operator: Organisation | None = None, **kwargs):
        """`operator`: the operator being corrected, left out of its own duplicate checks."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = partial(country_choices, _("Choose a country"))
        self.operator = operator
        self.similar: list[Organisation] = []
        self.existing_operator: Organisation | None = None

    def clean_name(self):
        return one_line(self.cleaned_data["name"])

    def clean_city(self):
        return one_line(self.cleaned_data["city"])

    def clean_address(self):
        return one_line(self.cleaned_data["address"])

    def clean_postcode(self):
        return one_line(self.cleaned_data["postcode"]).upper()

    def clean_eori(self):
        value = self.cleaned_data["eori"].strip()
        if not value:
            return ""
        eori = validate_eori(value)
        existing = operator_with_eori(eori, exclude_pk=self.operator.pk if self.operator else None)
        if existing:
            self.existing_operator = existing
            url = reverse("entities:organisation", args=[existing.pk])
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("An operator with this EORI number is already in the directory:"),
                    url,
                    existing.name,
                ),
                code="eori_taken",
            )
        return eori

    def clean(self):
        data = super().clean()
        country = data.get("country")
        if not data.get("is_importer") and not data.get("is_first_consignee"):
            # An error of the group of checkboxes, shown beside them (the first one's).
            self.add_error(
                "is_importer",
                ValidationError(
                    _(
                        "Tick at least one activity: organic importer "
                        "or organic operator (first consignee)."
                    ),
                    code="no_activity",
                ),
            )
        if data.get("is_importer") and "eori" in data and not data["eori"]:
            self.add_error(
                "eori",
                ValidationError(
                    _("Enter the EORI number: an organic importer needs one."),
                    code="eori_required",
                ),
            )
        if country and data.get("postcode"):
            pattern = POSTCODE_FORMATS.get(country, POSTCODE_ANY)
            if not re.fullmatch(pattern, data["postcode"]):
                self.add_error(
                    "postcode",
                    ValidationError(
                        _("Enter the postcode as it is written in the operator's country"),
                        code="postcode",
                    ),
                )
        if country and data.get("phone"):
            try:
                data["phone"] = phone_number(data["phone"], region=country).as_e164
            except ValidationError as error:
                self.add_error("phone", error)
        if country and data.get("name") and not self.errors and self.check_similar_names:
            self.similar = [
                other
                for other in similar_operators(name=data["name"], country=country)
                if self.operator is None or other.pk != self.operator.pk
            ]
            if self.similar and not data.get("confirm_not_duplicate"):
                self.add_error(
                    "confirm_not_duplicate",
                    ValidationError(
                        _(
                            "Operators with a similar name exist in this country. "
                            "If one of them is yours, ask to join it; otherwise tick this box."
                        ),
                        code="confirm_duplicates",
                    ),
                )
        return data


class ContactAdministratorsForm(forms.Form):
    """A member's message to the organisation's administrators, sent through the portal."""

    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The administrators receive it by e-mail with your name and e-mail address, "
            "so that they can answer you (at most 2000 characters)."
        ),
        error_messages={"required": _("Write your message to the administrators")},
    )

    def clean_message(self):
        return multiline(self.cleaned_data["message"])


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Your colleague's own address: the invitation link works once, for 30 days."),
        error_messages={
            "required": _("Enter your colleague's e-mail address"),
            "invalid": _("Enter an e-mail address in the right format, like name@example.eu"),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class OperatorChangeForm(OperatorForm):
    """A valid operator's details as its administrators propose to change them: the
    new-operator form, filled with the validated values; the country stays. A valid
    operator is not asked whether it is a duplicate of others: only its EORI is checked."""

    check_similar_names = False

    def __init__(self, *args, operator: Organisation, **kwargs):
        kwargs.setdefault("initial", self.initial_for(operator))
        super().__init__(*args, operator=operator, **kwargs)
        del self.fields["confirm_not_duplicate"]
        country = self.fields["country"]
        country.disabled = True
        country.help_text = _(
            "The country cannot be changed by a proposal: ask the competent authority."
        )

    @staticmethod
    def initial_for(operator: Organisation) -> dict:
        values = operator_values(operator)
        values["country"] = str(operator.country)
        values["phone"] = operator.phone.as_international if operator.phone else ""
        return values

    def proposed_changes(self) -> dict:
        """The fields whose cleaned value differs from the validated one, as JSON keeps them."""
        data = dict(self.cleaned_data)
        data["control_body"] = data["control_body"].pk if data.get("control_body") else None
        data["phone"] = data.get("phone") or ""
        if not isinstance(data["phone"], str):
            data["phone"] = data["phone"].as_e164
        current = operator_values(self.operator)
        return {
            field: data[field]
            for field in OPERATOR_CHANGE_FIELDS
            if field in data and data[field] != current[field]
        }
