"""Times for machines: the `datetime` attribute of <time>."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value) -> str:
    """A valid HTML date-time string in the active zone, to the second
    ("2026-12-01T16:53:07+01:00"; Django's "c" adds microseconds, which HTML refuses)."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
