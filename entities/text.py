"""Text normalisation for search, and the column type that holds it."""

import re
import unicodedata

from django.db import models
from django.db.models import Lookup

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed.

    "L'Épicerie  Bio-Qualité" -> "l epicerie bio qualite". The same function
    prepares the stored column and the searched term, so both databases agree.
    """
    text = unicodedata.normalize("NFKD", text or "").casefold().translate(_LETTERS)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", text).strip()


class SearchTextField(models.TextField):
    """A normalised copy of a text, for search (see Organisation.search_name)."""


@SearchTextField.register_lookup
class TrigramSimilar(Lookup):
    """`col % term` (pg_trgm): similar by trigrams, served by the GIN index. PostgreSQL only."""

    lookup_name = "similar"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", (*lhs_params, *rhs_params)
