"""E-mail leaves through the task queue, never from inside a web request.

The queue lives in the database (django-tasks-db), so enqueuing in the same
transaction as the change it reports is an outbox: both are kept, or neither.
A mail server that refuses delays delivery but loses nothing: the task
re-enqueues itself with a growing delay until it has been delivered or has
failed `MAX_ATTEMPTS` times (then the failure is logged for a person to see).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task, task_backends
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12


def retry_delay(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min... capped at one hour: about half a day in all.

    EMAIL_RETRY_FIRST_SECONDS and EMAIL_RETRY_MAX_SECONDS change the first delay
    and the cap (`make cluster-soak` retries within seconds).
    """
    first = timedelta(seconds=getattr(settings, "EMAIL_RETRY_FIRST_SECONDS", 30))
    cap = timedelta(seconds=getattr(settings, "EMAIL_RETRY_MAX_SECONDS", 3600))
    return min(first * (2 ** (attempt - 1)), cap)


@task
def deliver_email(*, message: dict, attempt: int = 1) -> None:
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        headers=message.get("headers") or None,
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    try:
        email.send()
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            logger.exception(
                "e-mail %r to %s abandoned after %d attempts",
                message["subject"],
                message["to"],
                attempt,
            )
            raise
        delay = retry_delay(attempt)
        logger.warning(
            "e-mail to %s failed (attempt %d), retrying in %s", message["to"], attempt, delay
        )
        retry = deliver_email
        if task_backends[deliver_email.backend].supports_defer:
            retry = deliver_email.using(run_after=timezone.now() + delay)
        retry.enqueue(message=message, attempt=attempt + 1)
