"""The sign-up code: characters nobody can mistake for one another."""

import secrets

from django.conf import settings

# No 0/O/Q/D, 1/I/L/J, 2/Z, 5/S, 8/B, 6/G, U/V: letters and digits that stay apart
# when drawn tilted, and that flite spells clearly.
READABLE = "ACEFHKMNPRTWXY3479"


def readable_challenge() -> tuple[str, str]:
    """(what the image shows, the expected answer): django-simple-captcha's challenge."""
    code = "".join(secrets.choice(READABLE) for _ in range(settings.CAPTCHA_LENGTH))
    return code, code.lower()
