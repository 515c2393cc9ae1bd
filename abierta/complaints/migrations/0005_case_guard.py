"""On PostgreSQL the case table refuses what would quietly drop or rewrite a case (review C11).

- DELETE is refused: a case is never removed, it becomes a tombstone (``services.case_delete``).
- A tombstone (status ``deleted``) is never changed again.
- The number, once given (it replaces the ``tmp-…`` placeholder of the insert), never changes.
- The ciphertext and keys (content, key id, receipt hash, salt and wrap, recovery seal) change only
  in the tombstone transition, to the empty values ``case_delete`` writes.

Handling (state, handler, dates, the unread flag, the session epoch) still updates rows. As with
the audit log's trigger (0002), the table's owner can drop this; the application's role must not
be the owner (docs/deploy.md). SQLite has no trigger.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION complaints_case_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'complaint cases are never deleted, only tombstoned';
         END IF;
         IF OLD.status = 'deleted' THEN
           RAISE EXCEPTION 'a deleted complaint case is a tombstone and cannot change';
         END IF;
         IF NEW.number IS DISTINCT FROM OLD.number AND OLD.number NOT LIKE 'tmp-%%' THEN
           RAISE EXCEPTION 'a complaint case number cannot change';
         END IF;
         IF (NEW.content IS DISTINCT FROM OLD.content
             OR NEW.key_id IS DISTINCT FROM OLD.key_id
             OR NEW.receipt_hash IS DISTINCT FROM OLD.receipt_hash
             OR NEW.receipt_salt IS DISTINCT FROM OLD.receipt_salt
             OR NEW.receipt_wrap IS DISTINCT FROM OLD.receipt_wrap
             OR NEW.recovery_seal IS DISTINCT FROM OLD.recovery_seal)
            AND NOT (NEW.status = 'deleted' AND NEW.content = '\\x'::bytea AND NEW.key_id = OLD.key_id
                     AND NEW.receipt_hash IS NULL AND NEW.receipt_salt IS NULL
                     AND NEW.receipt_wrap IS NULL AND NEW.recovery_seal IS NULL) THEN
           RAISE EXCEPTION 'a complaint case''s content and keys change only when it is deleted';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER complaints_case_guard BEFORE UPDATE OR DELETE ON complaints_case
       FOR EACH ROW EXECUTE FUNCTION complaints_case_guard()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS complaints_case_guard ON complaints_case",
    "DROP FUNCTION IF EXISTS complaints_case_guard()",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_metadata_to_the_day")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL}),
            _run({"postgresql": POSTGRESQL_REVERSE}),
        )
    ]
