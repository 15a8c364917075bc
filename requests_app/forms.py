from django import forms
from django.utils.translation import gettext_lazy as _

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
    )
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=32)

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        allowed = set("0123456789+ ().-/")
        if phone and (not set(phone) <= allowed or sum(c.isdigit() for c in phone) < 6):
            raise forms.ValidationError(_("Enter a phone number, e.g. +33 1 23 45 67 89."))
        return phone


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: the applicant will read it."),
    )
