"""Plain text: what the portal accepts in names, addresses and messages.

One rule everywhere a person types text that others will read (a person's or
an organisation's name, an address, a request's message, a rejection's
reason): no control characters, and no format characters, the invisible ones
that reorder or hide text (U+202E RIGHT-TO-LEFT OVERRIDE makes "exe.txt" read
"txt.exe"; zero-width spaces make two names look the same). A message keeps
its line breaks; a name keeps no markup characters (< and >).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Unicode categories never shown as themselves: controls, format characters
# (bidi overrides, zero-width spaces and joiners), line and paragraph separators,
# private-use and unassigned code points, and lone surrogates.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"}
_LINE_BREAKS = {"\n", "\r"}
_MARKUP = {"<", ">"}


def invisible_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The characters of `value` that plain text refuses (line breaks allowed if multiline)."""
    return [
        char
        for char in value
        if unicodedata.category(char) in _INVISIBLE and not (multiline and char in _LINE_BREAKS)
    ]


@deconstructible
class PlainTextValidator:
    """Refuses invisible characters, and in a one-line value (a name) also < and >."""

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value: str) -> None:
        if invisible_characters(value, multiline=self.multiline):
            raise ValidationError(
                _("Remove the invisible characters (line breaks, tabs, direction marks…).")
                if not self.multiline
                else _("Remove the invisible characters (tabs, direction marks…)."),
                code="invisible",
            )
        if not self.multiline and _MARKUP & set(value):
            raise ValidationError(_("Remove the characters < and >."), code="markup")

    def __eq__(self, other):
        return isinstance(other, PlainTextValidator) and self.multiline == other.multiline


validate_one_line = PlainTextValidator()
validate_multiline = PlainTextValidator(multiline=True)


def one_line(value: str) -> str:
    """A valid one-line text with its runs of spaces collapsed ("  Bio   Lyon " -> "Bio Lyon")."""
    validate_one_line(value)
    return " ".join(value.split())


def multiline(value: str) -> str:
    """A valid message, its line endings made "\\n" and its outer blank space removed."""
    validate_multiline(value)
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def without_invisible(value: str) -> str:
    """A search term: invisible characters become spaces, runs of spaces collapse.
    (A search is never refused: what cannot match is dropped.)"""
    spaced = "".join(" " if unicodedata.category(c) in _INVISIBLE else c for c in value)
    return " ".join(spaced.split())
