"""The French catalogues are complete: no string left untranslated or fuzzy."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    path for path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in path.parts
)


def entries(text: str):
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        joined = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if not joined:  # the header
            continue
        yield block, joined, ["".join(re.findall(r'"(.*)"', s)) for s in msgstrs]


def test_there_are_catalogues_for_every_app_and_the_root_templates():
    folders = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"core", "accounts", "entities", "requests_app", "locale"} <= folders


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_french_translation(catalogue):
    missing = [
        msgid
        for block, msgid, msgstrs in entries(catalogue.read_text())
        if re.search(r"^#,.*\bfuzzy\b", block, re.M) or not all(msgstrs)
    ]
    assert missing == []
