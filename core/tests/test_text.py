"""One rule for plain text: names, addresses, messages and reasons."""

import pytest
from django.core.exceptions import ValidationError

from core.text import invisible_characters, multiline, one_line, without_invisible

INVISIBLE = [
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE: "exe.txt" reads "txt.exe"
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u200b",  # ZERO WIDTH SPACE
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\ufeff",  # BYTE ORDER MARK
    "\u2028",  # LINE SEPARATOR
    "\x00",
    "\x1b",
    "\x85",  # NEXT LINE (C1)
    "\t",
    "\ue000",  # private use
]


@pytest.mark.parametrize("char", INVISIBLE)
def test_a_name_with_an_invisible_character_is_refused(char):
    with pytest.raises(ValidationError) as error:
        one_line(f"Bio{char}Lyon")
    assert error.value.code == "invisible"


@pytest.mark.parametrize("char", INVISIBLE)
def test_a_message_with_an_invisible_character_is_refused(char):
    with pytest.raises(ValidationError):
        multiline(f"Hello{char}there")


def test_a_message_keeps_its_line_breaks_and_a_name_does_not():
    assert multiline("  Line one\r\nLine two\rthree \n") == "Line one\nLine two\nthree"
    with pytest.raises(ValidationError):
        one_line("Line one\nLine two")


def test_a_name_has_no_markup_but_a_message_may_compare_numbers():
    with pytest.raises(ValidationError) as error:
        one_line("<b>Bio</b>")
    assert error.value.code == "markup"
    assert multiline("a < b and c > d") == "a < b and c > d"


def test_letters_of_every_eu_language_pass_and_spaces_collapse():
    name = "  Łukasz   Ó Súilleabháin-Ørsted  Ελένη Димитрова  "
    assert one_line(name) == "Łukasz Ó Súilleabháin-Ørsted Ελένη Димитрова"
    assert invisible_characters("Émilie d’Aubigné & fils") == []


def test_a_search_term_is_never_refused_only_cleaned():
    assert without_invisible("Bio\u202e\tLyon\n") == "Bio Lyon"
