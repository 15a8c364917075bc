import pytest

from entities.text import normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qualité France", "qualite france"),
        ("L'ÉPICERIE  Bio-Qualité", "l epicerie bio qualite"),
        ("Œufs & Cœur SARL", "oeufs coeur sarl"),
        ("Müller Naturkost GmbH", "muller naturkost gmbh"),
        ("Straße", "strasse"),
        ("Łódź Eko", "lodz eko"),
        ("  ", ""),
    ],
)
def test_it_lower_cases_and_removes_accents_and_punctuation(text, expected):
    assert normalise(text) == expected
