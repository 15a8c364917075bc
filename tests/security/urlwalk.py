"""Every URL pattern of the portal, from the resolver: the generated tests walk them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str | None  # namespaced, e.g. "requests:detail"
    route: str  # the pattern as written, e.g. "requests/<int:pk>/"
    parameters: tuple[str, ...]
    callback: object

    def path(self, **values) -> str:
        """The URL with each parameter replaced by the value given for it."""
        path = self.route
        for name in self.parameters:
            value = str(values[name])
            path = re.sub(rf"\(\?P<{name}>[^)]*\)", value, path)
            path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
        path = path.replace("^", "").replace("$", "")
        return "/" + path


def _parameters(route: str) -> tuple[str, ...]:
    return tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))


def routes() -> list[Route]:
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = f"{namespace}{pattern.name}" if pattern.name else None
                found.append(Route(name, route, _parameters(route), pattern.callback))

    walk(get_resolver().url_patterns, "", "")
    return found


def routes_with_ids() -> list[Route]:
    return [route for route in routes() if route.parameters]
