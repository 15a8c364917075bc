"""Workflows of the identity app: e-mail in the recipient's language, in-portal notifications."""

from __future__ import annotations

import secrets
import time
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Notification, User
from accounts.tasks import deliver_email


def email_language_for(language: str | None) -> str:
    """The recipient's e-mail language where the portal has a translation, else English."""
    available = {code for code, _name in settings.LANGUAGES}
    return language if language in available else "en"


def render_email(*, template_prefix: str, context: dict, language: str | None) -> dict:
    """Render `<prefix>_subject.txt`, `<prefix>_message.txt` and `<prefix>_message.html` if any.

    In the recipient's language. The subject and the text part are text: they are
    rendered without HTML escaping (an apostrophe stays an apostrophe); the HTML
    part is escaped as every page is, and says its language.
    """
    language = email_language_for(language)
    with translation.override(language):
        context = {**context, "LANGUAGE_CODE": language}
        subject = " ".join(
            render_to_string(f"{template_prefix}_subject.txt", context, using="text").splitlines()
        ).strip()
        body = render_to_string(f"{template_prefix}_message.txt", context, using="text").strip()
        try:
            html = render_to_string(f"{template_prefix}_message.html", context).strip()
        except TemplateDoesNotExist:
            html = ""
        sender = formataddr((str(_("TRACES portal")), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    return {
        "subject": f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        "body": body,
        "html": html,
        "from_email": sender,
    }


def email_send(*, to: str, template_prefix: str, context: dict, language: str | None) -> None:
    """Render now (in the recipient's language), deliver later through the task queue."""
    message = render_email(template_prefix=template_prefix, context=context, language=language)
    # One Message-ID for every attempt: a retry after a doubtful failure (the server
    # took the message, then the connection broke) is the same message, which the
    # mail system can recognise.
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
    message.update(to=[to], headers={"Message-ID": make_msgid(domain=domain)})
    deliver_email.enqueue(message=message)


def email_verify(*, user) -> None:
    """Mark the person's address verified (the set-password link proved it)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)


SIGNUP_EMAIL_KEY = "accounts.signup_email"


def signup_email_remember(*, session, email: str) -> None:
    """Keep the address typed at sign-up in this browser's session, for its
    check-your-mailbox page (which offers to send the link again)."""
    session[SIGNUP_EMAIL_KEY] = {"email": email, "at": int(time.time())}


def signup_email_recall(*, session) -> str:
    """The address typed at sign-up in this browser, while its link may still be waited
    for (PASSWORD_RESET_TIMEOUT); after that, nothing: a later visitor at the same
    computer is not shown it."""
    kept = session.get(SIGNUP_EMAIL_KEY) or {}
    if time.time() - kept.get("at", 0) > settings.PASSWORD_RESET_TIMEOUT:
        return ""
    return kept.get("email", "")


@transaction.atomic
def password_link_renew(*, user: User) -> None:
    """A new value in the person's set-password links: every link sent before stops working.

    Called by accounts.tokens each time a link is made (sign-up, forgot password).
    """
    user.password_link_nonce = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(password_link_nonce=user.password_link_nonce)


def notification_create(*, user, verb: str, actor=None, url: str = "", **params):
    """Tell one person something in the portal (accounts.notifications has the sentences)."""
    return Notification.objects.create(user=user, verb=verb, actor=actor, url=url, params=params)


def notifications_create(*, users, verb: str, actor=None, url: str = "", **params) -> None:
    """The same notice to several people, in one statement."""
    Notification.objects.bulk_create(
        Notification(user=user, verb=verb, actor=actor, url=url, params=params) for user in users
    )


def notification_read(*, notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_read_all(*, user) -> None:
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
