import zoneinfo

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import AuthenticateForm as MfaAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as MfaReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as MfaActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm as MfaAddWebAuthnForm
from allauth.mfa.webauthn.forms import EditWebAuthnForm as MfaEditWebAuthnForm
from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.languages import EU_LANGUAGES
from accounts.models import TIME_ZONE_CHOICES, TIME_ZONES, User
from core import time_zones
from core.text import one_line
from core.widgets import CachedOptionsSelect

NAME_MAX = User._meta.get_field("first_name").max_length
EMAIL_INVALID = _("Enter an e-mail address in the right format, like name@example.eu")
EMAIL_MAX = User._meta.get_field("email").max_length
TIME_ZONE_NAMES = frozenset(TIME_ZONES)


class CodeInput(CaptchaTextInput):
    """The code's image at its size, "Show a new image" and, where flite is installed,
    the code read aloud (templates/captcha/widgets/captcha.html, static/js/portal.js)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["refresh_url"] = self.refresh_url()
        context["image_size"] = captcha_settings.CAPTCHA_IMAGE_SIZE
        return context


class SignupForm(AllauthSignupForm):
    """EU Login-like sign-up: no password here; it is set through the e-mailed link."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=NAME_MAX,
        error_messages={"required": _("Enter your first name")},
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=NAME_MAX,
        error_messages={"required": _("Enter your last name")},
    )
    email_language = forms.ChoiceField(
        label=_("E-mail language"),
        choices=EU_LANGUAGES,
        error_messages={
            "required": _("Choose the language of your e-mails"),
            "invalid_choice": _("Choose the language of your e-mails from the list"),
        },
    )
    captcha = CaptchaField(
        label=_("Code"),
        help_text=_("Type the characters shown in the image."),
        # A multi-widget gets no aria-describedby from Django: tie help and error here.
        widget=CodeInput(attrs={"aria-describedby": "id_captcha_helptext id_captcha_error"}),
        error_messages={
            "required": _("Enter the code shown in the image"),
            "invalid": _("The code is not the one in the image: type the new code shown"),
        },
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read and accept the privacy statement"),
        required=True,
        error_messages={"required": _("Tick the box to accept the privacy statement")},
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "email2",
        "email_language",
        "captcha",
        "accept_privacy",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Kept in ACCOUNT_SIGNUP_FIELDS so that log-in keeps its password field.
        self.fields.pop("password1", None)
        self.fields["email"].label = _("E-mail")
        self.fields["email2"].label = _("Confirm e-mail")
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        for name in ("email", "email2"):
            # The column holds 254 characters: refuse longer here, not in the database.
            self.fields[name].validators.append(MaxLengthValidator(EMAIL_MAX))
            self.fields[name].widget.attrs["maxlength"] = EMAIL_MAX
            self.fields[name].widget.attrs["autocomplete"] = "email"
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["email"].help_text = _(
            "Your own professional address: it identifies you, not your company."
        )
        self.fields["email"].error_messages.update(
            required=_("Enter your e-mail address"), invalid=EMAIL_INVALID
        )
        self.fields["email2"].error_messages.update(
            required=_("Enter your e-mail address again"), invalid=EMAIL_INVALID
        )
        self.order_fields(self.field_order)
        # Most people want their e-mails in the language they are reading now.
        language = (translation.get_language() or "en").split("-")[0]
        codes = {code for code, _name in EU_LANGUAGES}
        self.fields["email_language"].initial = language if language in codes else "en"

    def clean_first_name(self):
        return one_line(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return one_line(self.cleaned_data["last_name"])

    def clean(self):
        cleaned_data = super().clean()
        # allauth compares them case-blind and has already dropped email2 when they
        # differ: compare the raw values the same way, and say it in our words.
        email, email2 = (self.data.get(name, "").strip().lower() for name in ("email", "email2"))
        if email and email2 and email != email2:
            self.errors["email2"] = self.error_class(
                [_("The two e-mail addresses are not the same.")],
                field_id=self["email2"].auto_id,
                renderer=self.renderer,
            )
        return cleaned_data

    def try_save(self, request):
        user, response = super().try_save(request)
        # For a new account and for an address that has one already alike (allauth
        # answers both the same way, so that nobody learns which addresses have one).
        services.signup_email_remember(session=request.session, email=self.cleaned_data["email"])
        return user, response

    def custom_signup(self, request, user):
        user.email_language = self.cleaned_data["email_language"]
        user.interface_language = getattr(request, "LANGUAGE_CODE", "en") or "en"
        user.save(update_fields=["email_language", "interface_language"])


def password_policy_html() -> str:
    """The policy beside a new password: Django's list, without the empty item of a check
    that is off (the breached-password check without PASSWORD_BREACH_CHECK)."""
    texts = [text for text in password_validation.password_validators_help_texts() if text]
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((t,) for t in texts)))


def _password(field, *, label, autocomplete: str, required, policy: bool = False) -> None:
    """A password field in the portal's words, for password managers (autocomplete)."""
    field.label = label
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update(autocomplete=autocomplete, maxlength=128)
    field.error_messages["required"] = required
    field.help_text = password_policy_html() if policy else ""


def _new_password_pair(fields) -> None:
    """The two fields of a new password (set, reset or change), in the portal's words."""
    _password(
        fields["password1"],
        label=_("New password"),
        autocomplete="new-password",
        required=_("Enter a new password"),
        policy=True,
    )
    _password(
        fields["password2"],
        label=_("New password (again)"),
        autocomplete="new-password",
        required=_("Enter the new password again"),
    )


def _email(field, *, autocomplete: str = "email") -> None:
    field.label = _("E-mail")
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update(autocomplete=autocomplete, maxlength=EMAIL_MAX)
    field.validators.append(MaxLengthValidator(EMAIL_MAX))
    field.error_messages.update(required=_("Enter your e-mail address"), invalid=EMAIL_INVALID)


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "username": the address is the account's user name, which password managers
        # pair with the password (the password forms carry it too, hidden).
        _email(self.fields["login"], autocomplete="username")
        _password(
            self.fields["password"],
            label=_("Password"),
            autocomplete="current-password",
            required=_("Enter your password"),
        )


class ResetPasswordForm(AllauthResetPasswordForm):
    """Forgot password: the address of the account."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email(self.fields["email"])


class SetPasswordForm(ResetPasswordKeyForm):
    """The page behind the e-mailed link: choose a password, twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _new_password_pair(self.fields)


class NewPasswordForm(AllauthSetPasswordForm):
    """A logged-in person without a password chooses one (allauth's "set password")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _new_password_pair(self.fields)


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password(
            self.fields["oldpassword"],
            label=_("Current password"),
            autocomplete="current-password",
            required=_("Enter your current password"),
        )
        _new_password_pair(self.fields)


class ChangeEmailForm(AllauthAddEmailForm):
    """Change e-mail: the new address, to which a confirmation link is sent.

    Whether another account uses it is never said here (the e-mail to that
    address says so instead: accounts.adapter).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email(self.fields["email"])
        self.fields["email"].label = _("New e-mail")
        self.fields["email"].error_messages["required"] = _("Enter your new e-mail address")


class ReauthenticateForm(AllauthReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password(
            self.fields["password"],
            label=_("Password"),
            autocomplete="current-password",
            required=_("Enter your password"),
        )


class _SecondFactorCode:
    """The code field of allauth's second-factor forms, saying what to type (MFA_FORMS).

    Authenticator apps show 6 digits; recovery codes are 8 digits: a numeric
    keyboard on a phone, and the browser may fill a code it received (one-time-code).
    """

    label = _("Code")
    required_message = _("Enter the 6-digit code from your authenticator app")
    incorrect_message = _(
        "The code is not right: type the code your authenticator app shows now, "
        "or one of your unused recovery codes"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = self.label
        code.widget.attrs.pop("placeholder", None)
        code.widget.attrs.update(
            autocomplete="one-time-code",
            inputmode="numeric",
            autocapitalize="none",
            spellcheck="false",
        )
        code.error_messages["required"] = self.required_message

    def clean_code(self):
        try:
            return super().clean_code()
        except forms.ValidationError as error:
            if error.code == "incorrect_code":
                raise forms.ValidationError(self.incorrect_message, code=error.code) from error
            raise


class AuthenticateForm(_SecondFactorCode, MfaAuthenticateForm):
    """After the password, at log-in: a code from the app or a recovery code."""

    required_message = _(
        "Enter the 6-digit code from your authenticator app, or one of your recovery codes"
    )


class SecondFactorReauthenticateForm(_SecondFactorCode, MfaReauthenticateForm):
    """Before a change that protects the account: a code from the app."""


class ActivateTOTPForm(_SecondFactorCode, MfaActivateTOTPForm):
    """Setting up the app: the code it shows once the QR code is scanned."""

    label = _("Code shown by the app")
    incorrect_message = _(
        "The code is not right: type the 6-digit code the app shows now (if it is refused "
        "again, check that your phone's clock is set automatically)"
    )


# The zone of the country most people reading the portal in a language live in.
LANGUAGE_COUNTRIES = {"fr": "FR"}
DEFAULT_TIME_ZONE = User._meta.get_field("time_zone").default


class AddWebAuthnForm(MfaAddWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the key")
        self.fields["name"].help_text = _("To tell your keys apart, like “My phone” or “Blue key”.")
        self.fields["name"].widget.attrs.update(autocomplete="off", maxlength=100)
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = _(
                "Use it as a passkey, to log in without a password"
            )
            self.fields["passwordless"].help_text = _(
                "The key then asks for your fingerprint, face or PIN each time."
            )


class EditWebAuthnForm(MfaEditWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the key")
        self.fields["name"].widget.attrs.update(autocomplete="off", maxlength=100)


class TimeZoneField(forms.ChoiceField):
    """The zones offered by country (core.time_zones); any IANA name is accepted, so that
    a person whose zone is an older alias ("US/Eastern") can keep it."""

    def valid_value(self, value):
        return value in TIME_ZONE_NAMES


class ProfileForm(forms.ModelForm):
    # Choices given as a callable: Django deep-copies every field of a form for each
    # new form, and copying the zones cost 1.3 ms a page; a callable is not copied.
    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_("Every date and time in the portal and in your e-mails is shown in it."),
        choices=time_zones.grouped_choices,
        widget=CachedOptionsSelect(key="accounts.profile_time_zone"),
        error_messages={
            "required": _("Choose your time zone"),
            "invalid_choice": _("Choose a time zone from the list."),
        },
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "email_language",
            "interface_language",
            "time_zone",
            "notify_decisions_by_email",
            "notify_new_requests_by_email",
        ]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "email_language": _("E-mail language"),
            "interface_language": _("Interface language"),
        }
        error_messages = {
            "first_name": {"required": _("Enter your first name")},
            "last_name": {"required": _("Enter your last name")},
            "email_language": {
                "required": _("Choose the language of your e-mails"),
                "invalid_choice": _("Choose the language of your e-mails from the list"),
            },
            "interface_language": {
                "required": _("Choose the language of the portal"),
                "invalid_choice": _("Choose the language of the portal from the list"),
            },
        }
        # Fixed lists: their options (and the time zone's) are rendered once per language.
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email_language": CachedOptionsSelect(key="accounts.profile_email_language"),
        }

    def clean_first_name(self):
        return one_line(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return one_line(self.cleaned_data["last_name"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The person's likely zones first: theirs, their language's country's, the portal's.
        language = (translation.get_language() or "en").split("-")[0]
        likely = time_zones.likely_zones(
            current=self.instance.time_zone,
            country=LANGUAGE_COUNTRIES.get(language),
            default=DEFAULT_TIME_ZONE,
        )
        self.fields["time_zone"].widget.first_group = (
            _("Suggested"),
            [(zone, time_zones.zone_label(zone)) for zone in likely],
        )

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"]
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise forms.ValidationError(_("Choose a time zone from the list.")) from error
        return value


__all__ = [
    "ActivateTOTPForm",
    "AuthenticateForm",
    "ChangePasswordForm",
    "LoginForm",
    "NewPasswordForm",
    "ProfileForm",
    "ReauthenticateForm",
    "ResetPasswordForm",
    "SecondFactorReauthenticateForm",
    "SetPasswordForm",
    "SignupForm",
    "TIME_ZONE_CHOICES",
]
