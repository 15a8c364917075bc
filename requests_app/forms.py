from django import forms
from django.utils.translation import gettext_lazy as _

from core.phones import phone_number
from core.text import multiline
from entities.forms import OperatorChangeForm, OperatorForm
from requests_app.models import MESSAGE_MAX_LENGTH, REASON_MAX_LENGTH


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional: why you ask, your role in the organisation (at most 1000 characters)."
        ),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        help_text=_("Where the person deciding can reach you."),
        error_messages={
            "required": _("Enter an e-mail address where the person deciding can reach you"),
            "invalid": _("Enter an e-mail address in the right format, like name@example.eu"),
        },
    )
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=32)

    def clean_message(self):
        return multiline(self.cleaned_data["message"])

    def __init__(self, *args, region: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region  # a number without its country code is read in this one

    def clean_contact_phone(self):
        return phone_number(self.cleaned_data["contact_phone"], region=self.region)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: the applicant will read it."),
        error_messages={"required": _("Give the reason: the applicant will read it")},
    )

    def clean_reason(self):
        return multiline(self.cleaned_data["reason"])


class ChangeMessageForm(forms.Form):
    """What goes with a proposed change to an operator: why, for the validator."""

    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: why the details change, for the competent authority."),
    )

    def clean_message(self):
        return multiline(self.cleaned_data["message"])


REQUEST_FIELDS = ("message", "contact_email", "contact_phone")


class NewOperatorCorrectionForm(OperatorForm, RequestForm):
    """Correct and resubmit a new operator's request: its details, with the checks of
    its creation (the operator itself left out of the duplicates), and the message
    and contacts. Call it with `operator=` and `region=` (the contact phone's)."""

    def request_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REQUEST_FIELDS}

    def operator_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in REQUEST_FIELDS}


class OperatorStatusForm(forms.Form):
    """Suspend or reinstate an operator: the reason its members read."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: the operator's members will read it."),
        error_messages={"required": _("Give the reason: the operator's members will read it")},
    )

    def clean_reason(self):
        return multiline(self.cleaned_data["reason"])


class ChangeCorrectionForm(OperatorChangeForm, RequestForm):
    """Correct and resubmit a proposed change: the declared details (the operator's
    change form, filled with the proposal) and the message and contacts. Call it with
    `operator=` and `region=`."""

    def request_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REQUEST_FIELDS}
