"""Password rules beyond Django's own (OWASP ASVS 5.0 6.2.x, NIST SP 800-63B)."""

import hashlib
import logging
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)


class MaximumLengthValidator:
    """At most 128 characters: long passphrases are welcome, unbounded input is not."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return ngettext(
            "Your password can contain up to %(max_length)d character; "
            "spaces and any symbol are welcome.",
            "Your password can contain up to %(max_length)d characters; "
            "spaces and any symbol are welcome.",
            self.max_length,
        ) % {"max_length": self.max_length}


def breached_count(password: str) -> int:
    """How often a password appears in known breaches, by a k-anonymity range query.

    Only the first five hex digits of the SHA-1 leave this server.
    """
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    request = urllib.request.Request(  # noqa: S310 - the URL comes from settings, https by default
        settings.PASSWORD_BREACH_API + prefix, headers={"Add-Padding": "true"}
    )
    with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
        for line in response.read().decode().splitlines():
            candidate, _sep, count = line.partition(":")
            if candidate == suffix:
                return int(count)
    return 0


class BreachedPasswordValidator:
    """Refuses passwords known from breaches, when PASSWORD_BREACH_CHECK is on.

    If the range API cannot be reached the password is accepted (and the
    failure logged): an outage must not stop people from setting a password.
    """

    def validate(self, password, user=None):
        if not settings.PASSWORD_BREACH_CHECK:
            return
        try:
            count = breached_count(password)
        except OSError:
            logger.warning("breached-password check unavailable; password accepted")
            return
        if count:
            raise ValidationError(
                _("This password has appeared in a data breach. Please choose another one."),
                code="password_breached",
            )

    def get_help_text(self):
        if settings.PASSWORD_BREACH_CHECK:
            return _("Your password can't be one that has appeared in a known data breach.")
        return ""
