"""The search box's query language, and the full-text index of contracts on SQLite.

People type web-search syntax, which the box's hint promises: words (every one must match),
``"quoted phrases"``, ``-word`` or ``-"a phrase"`` to leave contracts out, and ``or`` between two
alternatives. PostgreSQL reads that syntax itself (``websearch_to_tsquery``). On SQLite, ``parse``
reads it with the same rules (``a b or c`` is ``(a and b) or c``, as in PostgreSQL) and
``fts5_match`` writes an FTS5 ``MATCH`` expression for the ``works_contract_fts`` table
(contracting migration 0004) out of the parsed words only: each token is a quoted string of
letters and digits, so nothing typed can reach FTS5's own syntax (column filters, ``NEAR``, ``^``).

FTS5 has no Spanish stemmer. A word of five letters or more loses its plural and gender ending
(``light_stem``) and is searched as a prefix: "parques" finds "parque", "contrato" finds
"contratos" and also "contratación" (more than PostgreSQL's stemmer would). Shorter words and
numbers are matched whole. Common Spanish function words ("de", "la", …) are ignored outside
quotes, as PostgreSQL ignores its stop words (docs/decisions/0008-contract-search-and-red-flags.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

from abierta.contracting.text import normalize

FTS_TABLE = "works_contract_fts"
MAX_QUERY = 200

# Letters and digits, the characters FTS5's unicode61 tokenizer keeps in a token.
_TOKEN = re.compile(r"[^\W_]+")

# The most frequent of PostgreSQL's Spanish stop words, accents removed like the documents.
STOPWORDS = frozenset(
    """
    a al algo ante como con contra cual cuando de del desde donde e el ella ellas ellos en entre
    era es esa ese eso esta este esto fue ha hay la las le les lo los mas me mi muy ni no nos o
    otra otro para pero por que se sea sin sobre son su sus tambien te tu un una uno unos y ya
    """.split()  # noqa: SIM905 - a paragraph of words reads better than 67 quoted strings
)


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase, normalised and split into tokens; ``negated`` after a minus."""

    tokens: tuple[str, ...]
    negated: bool = False


# Groups of terms: a contract matches a group when it has all its terms and none of its negated
# ones, and matches the query when it matches any group (the groups were separated by "or").
Query = tuple[tuple[Term, ...], ...]


def parse(text: str) -> Query:
    """Read web-search syntax like PostgreSQL's ``websearch_to_tsquery``. An unclosed quote runs
    to the end of the text; a word with punctuation inside ("foo-bar") is a phrase of its parts;
    ``or`` first, last or after another ``or`` is a word; stop words outside quotes are dropped."""
    text = normalize(text)[:MAX_QUERY]
    groups: list[list[Term]] = [[]]
    negate = pending_or = False
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char == "-":
            negate = not negate  # "--word" is the word, as in PostgreSQL
            i += 1
            continue
        if char == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            body, i = text[i + 1 : end], end + 1
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] != '"':
                end += 1
            body, i = text[i:end], end
            if body == "or" and not negate and not pending_or and groups[-1]:
                pending_or = True
                continue
        tokens = tuple(_TOKEN.findall(body))
        # Stop words are kept inside a phrase (they stand between its words), but a phrase of
        # stop words only, like a lone stop word, is no search (PostgreSQL drops them too).
        if any(t not in STOPWORDS for t in tokens):
            if pending_or:
                groups.append([])
            groups[-1].append(Term(tokens=tokens, negated=negate))
            pending_or = False
        negate = False
    if pending_or:  # a last "or" is a word, as in PostgreSQL
        groups[-1].append(Term(tokens=("or",)))
    return tuple(tuple(g) for g in groups if g)


def light_stem(token: str) -> str | None:
    """The part of a word searched as a prefix, or None to match it whole (short words, numbers).

    Plural and gender endings only: "parques" -> "parqu", "equipo" -> "equip", "meses" -> "mes".
    """
    if len(token) < 5 or not token.isalpha():
        return None
    if token.endswith("eses"):
        return token[:-2]
    if token[-1] in "aeo":
        return token[:-1]
    if token[-1] == "s" and token[-2] in "aeo":
        return token[:-2]
    return token


def _fts_token(token: str) -> str:
    # Tokens are letters and digits only (``_TOKEN``): no quote to escape, no operator possible.
    if token in STOPWORDS:
        return f'"{token}"'
    stem = light_stem(token)
    return f'"{token}"' if stem is None else f'"{stem}"*'


def _fts_term(term: Term) -> str:
    return "(" + " + ".join(_fts_token(t) for t in term.tokens) + ")"


@dataclass(frozen=True)
class Match:
    """A parsed query for FTS5: ``positive`` matches the groups with a word to find (empty when
    none has one); each of ``excluded`` lists the words of a group made only of minus-words (a
    contract matches such a group when it has none of them)."""

    positive: str
    excluded: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.positive and not self.excluded


def fts5_match(query: Query) -> Match:
    positive: list[str] = []
    excluded: list[str] = []
    for group in query:
        wanted = [_fts_term(t) for t in group if not t.negated]
        unwanted = [_fts_term(t) for t in group if t.negated]
        if wanted:
            positive.append("(" + " AND ".join(wanted) + "".join(f" NOT {u}" for u in unwanted) + ")")
        else:
            excluded.append(" OR ".join(unwanted))
    return Match(positive=" OR ".join(positive), excluded=tuple(excluded))


# The index on SQLite: an external-content FTS5 table over ``search_document`` kept in step by
# triggers, so that every write (save, bulk_create, bulk_update, a raw UPDATE) updates it. The
# same statements as migration 0004, which ``sqlite_index_repair`` runs again when triggers are
# missing: SQLite's schema editor rebuilds a table to alter it, and dropping the old table drops
# its triggers.
TRIGGERS = {
    "works_contract_fts_insert": (
        "CREATE TRIGGER works_contract_fts_insert AFTER INSERT ON works_contract BEGIN "
        "INSERT INTO works_contract_fts(rowid, search_document) VALUES (new.id, new.search_document); END"
    ),
    "works_contract_fts_delete": (
        "CREATE TRIGGER works_contract_fts_delete AFTER DELETE ON works_contract BEGIN "
        "INSERT INTO works_contract_fts(works_contract_fts, rowid, search_document) "
        "VALUES ('delete', old.id, old.search_document); END"
    ),
    "works_contract_fts_update": (
        "CREATE TRIGGER works_contract_fts_update AFTER UPDATE OF id, search_document ON works_contract BEGIN "
        "INSERT INTO works_contract_fts(works_contract_fts, rowid, search_document) "
        "VALUES ('delete', old.id, old.search_document); "
        "INSERT INTO works_contract_fts(rowid, search_document) VALUES (new.id, new.search_document); END"
    ),
}
REBUILD = "INSERT INTO works_contract_fts(works_contract_fts) VALUES ('rebuild')"


def sqlite_index_repair(connection: BaseDatabaseWrapper) -> bool:
    """Create the missing triggers and rebuild the index, when the index exists (migration 0004
    applied) and a trigger is missing. Whether anything was repaired."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name = %s OR type = 'trigger'", [FTS_TABLE])
        found = {name for _type, name in cursor.fetchall()}
        if FTS_TABLE not in found:
            return False
        missing = [sql for name, sql in TRIGGERS.items() if name not in found]
        for sql in missing:
            cursor.execute(sql)
        if missing:
            cursor.execute(REBUILD)
    return bool(missing)
