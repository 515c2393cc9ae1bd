"""Text normalised for search: the same function builds ``Contract.search_document`` and the query."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, accents removed (ñ as n), whitespace collapsed: "Construcción  ÑUÑOA" -> "construccion nunoa"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip()


def search_document(*parts: str | None) -> str:
    return normalize(" ".join(p for p in parts if p))
