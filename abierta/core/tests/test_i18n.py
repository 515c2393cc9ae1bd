"""The Spanish (Colombia) catalog is complete, compiled, in step with the source, and used.

Source strings are English; Spanish is the default language at ``/`` and English lives at ``/en/``.
Refresh the catalog with (from the ``abierta/`` folder)::

    ../.venv/bin/abierta makemessages -l es_CO --ignore=.venv --no-obsolete
    # translate every new or fuzzy entry in locale/es_CO/LC_MESSAGES/django.po
    ../.venv/bin/abierta compilemessages --ignore=.venv
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

APP_DIR = Path(__file__).resolve().parents[2]  # the ``abierta`` package folder
LOCALE_DIR = APP_DIR / "locale"
PO_PATH = LOCALE_DIR / "es_CO" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%%|%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|\{\{\s*\w+\s*\}\}")


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    """Requests to /en/ activate English in this thread; do not let it leak into later tests."""
    yield
    translation.deactivate()


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: msgctxt, msgid, msgid_plural, msgstr, msgstr[n], flags; skips obsolete."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: str | None = None
    pending_flags: set[str] = set()

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value = ast.literal_eval(rest)
        # A msgid starts a new entry unless it follows this entry's msgctxt.
        if keyword == "msgctxt" or (keyword == "msgid" and target != "msgctxt"):
            finish()
            current = Entry(flags=pending_flags, line=number)
            pending_flags = set()
        assert current is not None, f"{path}:{number}: text outside an entry"
        if keyword:
            target = keyword
        assert target is not None, f"{path}:{number}: continuation without a keyword"
        if target.startswith("msgstr["):
            index = int(target[len("msgstr[") : -1])
            current.msgstr_plural[index] = current.msgstr_plural.get(index, "") + value
        else:
            setattr(current, target, (getattr(current, target) or "") + value)
    finish()
    return entries


def catalog() -> tuple[Entry, list[Entry]]:
    entries = parse_po(PO_PATH)
    header = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header) == 1, "the catalog must have exactly one header entry"
    return header[0], [e for e in entries if e is not header[0]]


def test_parser_reads_plurals_context_and_multiline(tmp_path: Path) -> None:
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es_CO\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "month"\nmsgid "May"\nmsgstr "Mayo"\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr ""\n\n'
        'msgid "%(n)s item"\nmsgid_plural "%(n)s items"\nmsgstr[0] "%(n)s ítem"\nmsgstr[1] ""\n'
        '"%(n)s ítems"\n\n#~ msgid "Gone"\n#~ msgstr "Ido"\n',
        encoding="utf-8",
    )
    header, ctx, multi, plural = parse_po(po)
    assert header.msgstr == "Language: es_CO\n"
    assert (ctx.msgctxt, ctx.msgid, ctx.msgstr, ctx.flags) == ("month", "May", "Mayo", {"fuzzy", "python-format"})
    assert (multi.msgid, multi.msgstr) == ("Two lines", "")
    assert plural.msgid_plural == "%(n)s items"
    assert plural.translations == ["%(n)s ítem", "%(n)s ítems"]


def test_catalog_header_is_spanish_colombia_and_not_fuzzy() -> None:
    header, _entries = catalog()
    assert "fuzzy" not in header.flags
    meta = dict(line.split(": ", 1) for line in header.msgstr.splitlines() if ": " in line)
    assert meta.get("Language") == "es_CO"
    assert meta.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert meta.get("Content-Type") == "text/plain; charset=UTF-8"


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    _header, entries = catalog()
    assert len(entries) > 300, "the catalog looks truncated"
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in entries
        if not all(t.strip() for t in e.translations) or (e.msgid_plural is not None and len(e.msgstr_plural) != 2)
    ]
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_translations_keep_placeholders() -> None:
    _header, entries = catalog()
    wrong = []
    for e in entries:
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        expected = sorted(PLACEHOLDER.findall(sources[-1]))
        for text in e.translations:
            # A singular form may leave the count out ("Un resultado"); every name it uses must exist.
            found = sorted(PLACEHOLDER.findall(text))
            ok = found == expected if e.msgid_plural is None else set(found) <= set(expected)
            if not ok:
                wrong.append(f"{e.msgid!r} -> {text!r}")
        if e.msgid.endswith("\n") != e.msgstr.endswith("\n") and e.msgid_plural is None:
            wrong.append(f"{e.msgid!r}: trailing newline differs")
    assert not wrong, "placeholders changed:\n" + "\n".join(wrong)


def test_compiled_catalog_matches_the_po_file() -> None:
    """The committed .mo is what Django loads; it must not lag behind the .po."""
    assert MO_PATH.exists(), "run compilemessages"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    _header, entries = catalog()
    stale = []
    for e in entries:
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            if compiled.gettext(msgid) != e.msgstr:
                stale.append(e.msgid)
        elif [compiled.ngettext(msgid, e.msgid_plural, n) for n in (1, 2)] != e.translations:
            stale.append(e.msgid)
    assert not stale, "the .mo is out of date; run compilemessages. Differs: " + repr(stale[:10])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_source_string_is_in_the_catalog(tmp_path: Path) -> None:
    """Extract the strings afresh from a copy of the source and compare with the committed catalog."""
    copy = tmp_path / "abierta"
    shutil.copytree(
        APP_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "locale", "*.pyc", "node_modules", ".venv"),
    )
    (copy / "locale").mkdir()
    settings_dir = tmp_path / "settings_override"
    settings_dir.mkdir()
    # Point LOCALE_PATHS at the copy so the real catalog is never written to.
    (settings_dir / "i18n_check_settings.py").write_text(
        f"from abierta.settings import *  # noqa: F403\nLOCALE_PATHS = [{str(copy / 'locale')!r}]\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "i18n_check_settings",
        "PYTHONPATH": os.pathsep.join([str(settings_dir), str(APP_DIR.parent), os.environ.get("PYTHONPATH", "")]),
    }
    before = PO_PATH.read_bytes()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "es_CO",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=node_modules",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert PO_PATH.read_bytes() == before, "makemessages touched the committed catalog"
    fresh_po = copy / "locale" / "es_CO" / "LC_MESSAGES" / "django.po"
    assert fresh_po.exists(), result.stdout + result.stderr

    _header, fresh_entries = catalog_of(fresh_po)
    _header, committed_entries = catalog()
    fresh = {e.key: e for e in fresh_entries}
    committed = {e.key: e for e in committed_entries}
    assert len(fresh) > 300, "extraction found suspiciously few strings"
    missing = sorted(str(k[1]) for k in fresh.keys() - committed.keys())
    assert not missing, "strings in the source but not in the catalog; run makemessages and translate:\n" + "\n".join(
        missing
    )
    obsolete = sorted(str(k[1]) for k in committed.keys() - fresh.keys())
    assert not obsolete, "strings in the catalog no longer in the source:\n" + "\n".join(obsolete)
    plural_mismatch = [k[1] for k in fresh if fresh[k].msgid_plural != committed[k].msgid_plural]
    assert not plural_mismatch, f"plural forms changed for: {plural_mismatch}"


def catalog_of(path: Path) -> tuple[Entry, list[Entry]]:
    entries = parse_po(path)
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


def test_home_page_is_spanish_at_root(db: None, client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="es-CO"' in html
    assert "Gobierno Abierto" in html
    assert "Saltar al contenido principal" in html
    assert "Skip to main content" not in html


def test_home_page_is_english_under_en(db: None, client: Client) -> None:
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Open Government" in html
    assert "Skip to main content" in html
    assert "Saltar al contenido principal" not in html


ENGLISH_CHECK_PAGES = [
    ("anonymous", "site:home", {}),
    ("anonymous", "site:transparency", {}),
    ("anonymous", "site:privacy", {}),
    ("anonymous", "site:terms", {}),
    ("anonymous", "site:accessibility", {}),
    ("anonymous", "accounts:login", {}),
    ("anonymous", "accounts:register", {}),
    ("anonymous", "plans:plan", {"slug": "plan-prueba"}),
    ("anonymous", "plans:commitment", {"slug": "plan-prueba", "code": "TEST0001"}),
    ("anonymous", "plans:commitment_history", {"slug": "plan-prueba", "code": "TEST0001"}),
    ("anonymous", "plans:committee", {"slug": "plan-prueba"}),
    ("anonymous", "participation:cocreation", {"slug": "plan-prueba"}),
    ("citizen", "accounts:account", {}),
    ("citizen", "plans:commitment", {"slug": "plan-prueba", "code": "TEST0001"}),
    ("admin", "site:staff_home", {}),
    ("admin", "plans:moderation", {}),
    ("admin", "contracting:secop_entities", {}),
]


@pytest.mark.parametrize(("persona", "name", "kwargs"), ENGLISH_CHECK_PAGES)
def test_spanish_pages_show_no_english_catalog_text(
    persona_client: Callable[[str], Client],
    persona: str,
    name: str,
    kwargs: dict[str, str],
) -> None:
    """Pages rendered in Spanish contain none of the English source sentences of the catalog."""
    _header, entries = catalog()
    english = {
        e.msgid
        for e in entries
        if e.msgid_plural is None
        and len(e.msgid.split()) >= 3
        and e.msgstr != e.msgid
        and not PLACEHOLDER.search(e.msgid)
        and "\n" not in e.msgid
    }
    with translation.override("es-co"):
        url = reverse(name, kwargs=kwargs)
    response = persona_client(persona).get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert 'lang="es-CO"' in html
    leaks = sorted(text for text in english if text in html)
    assert not leaks, f"English text on the Spanish page {url}: {leaks}"
