import zoneinfo

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_pk_to_url_str
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from accounts.services import email_send
from core.client import client_ip


def _absolute(request, path: str) -> str:
    """An absolute link for an e-mail: from the request, else from PORTAL_URL."""
    try:
        return build_absolute_uri(request, path)
    except ImproperlyConfigured:
        return getattr(settings, "PORTAL_URL", "").rstrip("/") + path


def _time_zone(user):
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


class AccountAdapter(DefaultAccountAdapter):
    """allauth, the EU Login way: sign-up e-mails a link to set the password.

    Every e-mail goes through the task queue, written in the recipient's
    e-mail language where the portal has it (else English), with dates in
    the recipient's time zone.
    """

    # allauth's messages that can reach a page, in the portal's words ("e-mail",
    # saying what to do). The others stay allauth's.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "The e-mail address or the password is not right: check both and try again"
        ),
        "enter_current_password": _("Your current password is not right: type it again"),
        "incorrect_password": _("The password is not right: type it again"),
        "email_taken": _("An account already uses this e-mail address"),
        "duplicate_email": _("Your account already uses this e-mail address"),
        "unknown_email": _("No account uses this e-mail address"),
        "cannot_remove_primary_email": _("Your account's main e-mail address cannot be removed"),
        "unverified_primary_email": _("Confirm your e-mail address first"),
    }

    def get_client_ip(self, request):
        """The address every allauth rate limit counts: the portal's one rule (core.client)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_mail(self, template_prefix, email, context):
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = user.email_language if user else translation.get_language()
        request = self.request
        context = {
            "email": email,
            "user": user,
            "current_site": get_current_site(request) if request else None,
            "request": request,
            "help_url": _absolute(request, reverse("help")),
            "password_reset_url": _absolute(request, reverse("account_reset_password")),
            "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            **context,
        }
        with timezone.override(_time_zone(user) if user else timezone.get_current_timezone()):
            email_send(
                to=email, template_prefix=template_prefix, context=context, language=language
            )

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        if not signup:
            return self._send_change_confirmation(request, emailconfirmation)
        # Sign-up sends a link to set the password instead of a confirmation:
        # setting the password through it also proves the address (signals.py).
        user = emailconfirmation.email_address.user
        token = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
        url = self.get_reset_password_from_key_url(f"{user_pk_to_url_str(user)}-{token}")
        self.send_mail(
            "account/email/set_password",
            emailconfirmation.email_address.email,
            {"user": user, "set_password_url": url},
        )

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # The person's own language and name, even when the e-mail goes to an
        # address that is no longer theirs (the old one, after a change).
        return super().send_notification_mail(
            template_prefix, user, {"user": user, **(context or {})}, email
        )

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # ACCOUNT_REAUTHENTICATION_REQUIRED asks for the password again before
        # allauth's account pages change anything (the e-mail address...). An account
        # that has no password yet has none to ask for: it chooses one first.
        user = getattr(self.request, "user", None) if self.request else None
        if (
            app == "allauth.account"
            and user is not None
            and user.is_authenticated
            and not user.has_usable_password()
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_login_redirect_url(self, request):
        return reverse("home")

    def _send_change_confirmation(self, request, emailconfirmation):
        """Change e-mail: the link to the new address, unless another account has it.

        The person asking is told the same thing either way ("we have sent a
        link"): the address's owner gets an e-mail saying an account already
        uses it, with no link, so nobody learns from the portal whether an
        address is taken.
        """
        address = emailconfirmation.email_address
        if services.email_taken(email=address.email, by_other_than=address.user):
            self.send_mail(
                "account/email/email_change_taken",
                address.email,
                # No "user": the e-mail is the address owner's, in their language.
                {"login_url": _absolute(request, reverse("account_login"))},
            )
            return
        self.send_mail(
            "account/email/email_confirmation",
            address.email,
            {
                "user": address.user,
                "activate_url": self.get_email_confirmation_url(request, emailconfirmation),
                "valid_minutes": settings.EMAIL_CHANGE_LINK_MINUTES,
            },
        )
