"""Workflows of the identity app: sending e-mail in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from accounts.tasks import deliver_email


def email_language_for(language: str | None) -> str:
    """The recipient's e-mail language where the portal has a translation, else English."""
    available = {code for code, _name in settings.LANGUAGES}
    return language if language in available else "en"


def render_email(*, template_prefix: str, context: dict, language: str | None) -> dict:
    """Render `<prefix>_subject.txt`, `<prefix>_message.txt` and `<prefix>_message.html` if any."""
    with translation.override(email_language_for(language)):
        subject = " ".join(
            render_to_string(f"{template_prefix}_subject.txt", context).splitlines()
        ).strip()
        body = render_to_string(f"{template_prefix}_message.txt", context).strip()
        try:
            html = render_to_string(f"{template_prefix}_message.html", context).strip()
        except TemplateDoesNotExist:
            html = ""
    return {
        "subject": f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        "body": body,
        "html": html,
    }


def email_send(*, to: str, template_prefix: str, context: dict, language: str | None) -> None:
    """Render now (in the recipient's language), deliver later through the task queue."""
    message = render_email(template_prefix=template_prefix, context=context, language=language)
    message.update(from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    deliver_email.enqueue(message=message)


def email_verify(*, user) -> None:
    """Mark the person's address verified (the set-password link proved it)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
