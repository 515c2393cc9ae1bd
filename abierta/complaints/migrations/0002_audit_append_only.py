"""On PostgreSQL the audit log refuses UPDATE and DELETE in the database itself, not only in the model.

SQLite (the embedded trial database) has no trigger: Django's test flush deletes rows there, and the
hash chain still detects any change. TRUNCATE is left to the table owner, which the application's
database role should not be in production (docs/deploy.md).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION complaints_audit_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER complaints_audit_append_only BEFORE UPDATE OR DELETE ON complaints_auditentry
       FOR EACH ROW EXECUTE FUNCTION complaints_audit_refuse()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS complaints_audit_append_only ON complaints_auditentry",
    "DROP FUNCTION IF EXISTS complaints_audit_refuse()",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_cases")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL}),
            _run({"postgresql": POSTGRESQL_REVERSE}),
        )
    ]
