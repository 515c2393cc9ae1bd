"""Text normalised for search: the same function builds ``Contract.search_document`` and the query."""

from __future__ import annotations

import unicodedata

# The accented letters of Spanish (and a few of French and Portuguese names) mapped by a table:
# a SECOP II import normalises three fields per row, and NFKD decomposition of every character was
# a sixth of its conversion time. Anything else that is not ASCII takes the general path.
_FAST = str.maketrans(
    {
        **dict.fromkeys("áàâäã", "a"),
        **dict.fromkeys("éèêë", "e"),
        **dict.fromkeys("íìîï", "i"),
        **dict.fromkeys("óòôöõ", "o"),
        **dict.fromkeys("úùûü", "u"),
        "ñ": "n",
        "ç": "c",
    }
)


def _general(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Lower case, accents removed (ñ as n), whitespace collapsed: "Construcción  ÑUÑOA" -> "construccion nunoa"."""
    folded = text.casefold()
    if not folded.isascii():
        folded = folded.translate(_FAST)
        if not folded.isascii():
            folded = _general(folded)
    return " ".join(folded.split())


def search_document(*parts: str | None) -> str:
    return normalize(" ".join(p for p in parts if p))
