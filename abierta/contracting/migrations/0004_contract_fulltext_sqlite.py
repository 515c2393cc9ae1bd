"""Full-text search of contracts on SQLite: an FTS5 table over ``search_document``.

PostgreSQL has its generated tsvector column (works migration 0002); this does nothing there. On
SQLite an external-content FTS5 table (accents folded by the unicode61 tokenizer) indexes the
search document of every contract, filled once here and kept in step by triggers on insert,
update and delete (``abierta.contracting.fulltext``, which also restores the triggers when a later
migration rebuilds the table).
"""

from typing import Any

from django.db import migrations

FORWARD = [
    "CREATE VIRTUAL TABLE works_contract_fts USING fts5(search_document, content='works_contract', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER works_contract_fts_insert AFTER INSERT ON works_contract BEGIN "
    "INSERT INTO works_contract_fts(rowid, search_document) VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER works_contract_fts_delete AFTER DELETE ON works_contract BEGIN "
    "INSERT INTO works_contract_fts(works_contract_fts, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER works_contract_fts_update AFTER UPDATE OF id, search_document ON works_contract BEGIN "
    "INSERT INTO works_contract_fts(works_contract_fts, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); "
    "INSERT INTO works_contract_fts(rowid, search_document) VALUES (new.id, new.search_document); END",
    "INSERT INTO works_contract_fts(works_contract_fts) VALUES ('rebuild')",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS works_contract_fts_insert",
    "DROP TRIGGER IF EXISTS works_contract_fts_delete",
    "DROP TRIGGER IF EXISTS works_contract_fts_update",
    "DROP TABLE IF EXISTS works_contract_fts",
]


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("contracting", "0003_source_releases")]
    operations = [migrations.RunPython(forward, backward)]
