"""Slots: places on a lower app's page that upper apps fill.

Apps depend one way, from the top app down to this one: a page of a lower app
(a person's profile, an organisation's page) must not name what an upper app
shows there. The lower app declares a `Slot`; an upper app registers a provider
in its AppConfig.ready(); the lower app's view asks the slot for its panels,
and its template includes each panel's template:

    # the lower app's slots.py
    profile_sections = Slot("profile_sections")

    # the upper app's AppConfig.ready()
    profile_sections.register(panels.my_requests)

    # the lower app's view
    context["sections"] = profile_sections.panels(request)

    # the lower app's template (core/_panels.html includes each panel's template)
    {% include "core/_panels.html" with panels=sections %}

A provider is a function `(request, **kwargs) -> Panel | None`: it makes the
reads its panel needs (in the view's time, never in a template tag) or returns
None when it has nothing to show to this person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: dict = field(default_factory=dict)


Provider = Callable[..., Panel | None]


class Slot:
    def __init__(self, name: str):
        self.name = name
        self._providers: list[Provider] = []

    def register(self, provider: Provider) -> Provider:
        """Add a provider (idempotent: ready() may run more than once in tests)."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def panels(self, request, **kwargs) -> list[Panel]:
        return [
            panel
            for provider in self._providers
            if (panel := provider(request, **kwargs)) is not None
        ]

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {len(self._providers)} provider(s)>"


class Hook:
    """A question a lower app asks the apps above, each answering for its own part.

    The same one-way rule as slots, without a page: "what do you hold about this
    person?", "may this account be deleted?", "the account is being deleted: do
    your part". A provider is a function of keyword arguments; `results()` calls
    every provider, in the order they registered, and lists what they returned.
    """

    def __init__(self, name: str):
        self.name = name
        self._providers: list[Callable] = []

    def register(self, provider: Callable) -> Callable:
        """Add a provider (idempotent: ready() may run more than once in tests)."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def results(self, **kwargs) -> list:
        return [provider(**kwargs) for provider in self._providers]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._providers)} provider(s)>"
