"""Spanish full-text search on contracts, PostgreSQL only.

A generated ``search_vector`` tsvector column over ``search_document`` with a GIN index. The model
does not declare it (SQLite has no tsvector); ``abierta.works.search`` queries it on PostgreSQL and
falls back to word-by-word matching of ``search_document`` elsewhere.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE works_contract ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('spanish'::regconfig, search_document)) STORED",
    "CREATE INDEX works_contract_search_gin ON works_contract USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS works_contract_search_gin",
    "ALTER TABLE works_contract DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("works", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
