"""A session's device in words, for lists of sessions."""

from django import template

from core.user_agents import describe

register = template.Library()


@register.filter
def device(user_agent: str) -> str:
    """ "Firefox on Windows", from a User-Agent header (core.user_agents)."""
    return describe(user_agent)
