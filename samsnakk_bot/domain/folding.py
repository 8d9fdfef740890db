"""Letters folded for matching what people type: case, accents and the Nordic letters.

Norwegian is written with æ, ø and å, and without them (``ae``, ``oe``, ``aa``) on a keyboard
that lacks them; Swedish and German spell ä and ö. Both sides of a comparison are folded with
the same function, so ``Møte``, ``mote`` and ``moete`` meet, as do ``Åsane`` and ``Aasane``.
"""

from __future__ import annotations

import re
import unicodedata

_NORDIC = str.maketrans({"æ": "ae", "ä": "ae", "ø": "o", "ö": "o", "å": "a"})
_ASCII_SPELLINGS = re.compile(r"oe|aa")


def fold_letters(text: str) -> str:
    """Lower-case, without accents, æ/ø/å and their ASCII spellings alike; idempotent.

    Everything that is not a letter is left as it is, for the caller to treat.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_NORDIC)
    # Other accents go (é → e); NFKD splits them off as combining marks.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    while _ASCII_SPELLINGS.search(text):
        text = text.replace("oe", "o").replace("aa", "a")
    return text
