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


# French puts a no-break space (U+00A0, or the narrow U+202F) before : ; ? and !
# ("Motif : ..."). What is not prose is left out: tags and entities, URLs, times.
NOT_PROSE = re.compile(r"<[^>]*>|&#?\w+;|\w+://\S*|\d:\d|\{\{.*?\}\}|\{%.*?%\}")
BREAKING_BEFORE_SIGN = re.compile(r"(?:^|(?<=[^\u00a0\u202f]))[:;?!]")


def breaking_spaces(text: str) -> list[str]:
    """The places in `text` where : ; ? or ! has no no-break space before it."""
    prose = NOT_PROSE.sub(lambda m: "#" * len(m.group(0)), text)
    return [
        text[max(0, m.start() - 15) : m.end() + 5] for m in BREAKING_BEFORE_SIGN.finditer(prose)
    ]


def test_the_check_finds_a_breaking_space_and_leaves_urls_and_times():
    assert len(breaking_spaces("Motif : refus")) == 1
    assert len(breaking_spaces("Motif: refus ; bis")) == 2
    assert breaking_spaces("Motif\u00a0: refus\u202f!") == []
    assert breaking_spaces('Voir <a href="https://x.eu/?a=1">ici</a> à 16:53') == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_french_sign_has_a_no_break_space_before_it(catalogue):
    found = [
        (msgid, place)
        for _block, msgid, msgstrs in entries(catalogue.read_text())
        for msgstr in msgstrs
        for place in breaking_spaces(msgstr.replace('\\"', '"'))
    ]
    assert found == []
