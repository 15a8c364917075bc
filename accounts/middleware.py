import zoneinfo

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Show a logged-in person the portal in their interface language and time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if user.interface_language:
                translation.activate(user.interface_language)
                request.LANGUAGE_CODE = user.interface_language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class ValidatorMfaMiddleware:
    """Staff who have no second factor yet are sent to set one up (REQUIRE_VALIDATOR_MFA).

    Only the pages needed to set it up, to log out and static files stay open.
    """

    allowed_prefixes = (
        "/accounts/2fa/",
        "/accounts/reauthenticate/",  # activating TOTP may first ask for the password again
        "/accounts/logout/",
        "/static/",
        "/language/",
        "/help/",
        "/privacy/",
        "/accessibility/",
        "/healthz",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_VALIDATOR_MFA
            and user.is_authenticated
            and user.must_use_second_factor
            and not request.path.startswith(self.allowed_prefixes)
            and not _has_second_factor(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)


def _has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    # The authenticator app or a passkey / security key: either is a second factor.
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
