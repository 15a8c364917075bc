"""Apps depend one way: requests_app -> entities -> accounts -> core.

Not only imports: no template, URL name, model named by string, comment or
docstring of a lower app names an upper one. The project's own templates
(templates/: the base layout, the account and second-factor pages) sit with
accounts. An app's tests may use the story's whole cast and are not checked.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPPER = {
    "core": ["accounts", "entities", "requests_app"],
    "accounts": ["entities", "requests_app"],
    "templates": ["entities", "requests_app"],
    "entities": ["requests_app"],
}
# How a module, a template folder, a URL namespace or a model label names an app.
URL_NAMESPACES = {"accounts": "accounts", "entities": "entities", "requests_app": "requests"}


def _names(app: str) -> re.Pattern:
    namespace = URL_NAMESPACES[app]
    return re.compile(rf"\b{app}\b|['\"]{namespace}:|\b{namespace}:\w")


def _files(folder: str):
    for path in sorted((ROOT / folder).rglob("*")):
        parts = path.relative_to(ROOT).parts
        if not path.is_file() or "tests" in parts or "locale" in parts or "__pycache__" in parts:
            continue
        if path.suffix in {".py", ".html", ".txt", ".js"}:
            yield path


@pytest.mark.parametrize("folder", sorted(UPPER))
def test_nothing_in_a_lower_app_names_an_upper_one(folder):
    found = []
    for path in _files(folder):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for app in UPPER[folder]:
                if _names(app).search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert found == []


def test_the_check_finds_a_name_when_there_is_one():
    assert _names("requests_app").search("{% url 'requests:detail' req.pk %}")
    assert _names("requests_app").search('sender="requests_app.RequestEvent"')
    assert _names("entities").search("from entities.models import Organisation")
    assert not _names("requests_app").search("authorisation requests: pending")
