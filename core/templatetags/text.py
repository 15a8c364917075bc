"""Filters for plain text (e-mails)."""

from django import template

register = template.Library()


@register.filter
def quoted(value) -> str:
    """Someone's words as an e-mail quotes them: every line after "> ", so that they
    cannot pass for the portal's own lines (a link, an instruction)."""
    lines = str(value or "").splitlines() or [""]
    return "\n".join(f"> {line}" if line else ">" for line in lines)
