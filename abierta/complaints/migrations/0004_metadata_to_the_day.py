"""Dates to the day (security review C1, C2, C6, C11).

- ``CaseGrant.created_at`` goes: written at submission, it gave every case's exact second. On
  PostgreSQL the dropped column's values stay in the table's files until it is rewritten: run
  ``VACUUM FULL complaints_casegrant`` after migrating (docs/deploy.md).
- ``Case.session_epoch``: "leave" revokes every follow-up cookie of the case.
- ``DigestMark``: how far the handlers' digest has told, started at the cases and messages already
  there, so the first digest after this migration does not announce them again.
- ``StatsSnapshot``: the public statistics and the audit chain's head, once a day.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def mark_what_exists(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("complaints", "Case")
    Message = apps.get_model("complaints", "Message")
    DigestMark = apps.get_model("complaints", "DigestMark")
    last_case = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_message = Message.objects.order_by("-id").values_list("id", flat=True).first() or 0
    DigestMark.objects.create(last_case_id=last_case, last_message_id=last_message)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_intake"),
    ]

    operations = [
        migrations.CreateModel(
            name="DigestMark",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_case_id", models.BigIntegerField(default=0)),
                ("last_message_id", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="StatsSnapshot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True)),
                ("figures", models.JSONField(default=dict)),
                ("audit_count", models.PositiveIntegerField(default=0)),
                ("audit_head", models.CharField(max_length=64)),
            ],
            options={
                "ordering": ["-day"],
            },
        ),
        migrations.RemoveField(
            model_name="casegrant",
            name="created_at",
        ),
        migrations.AddField(
            model_name="case",
            name="session_epoch",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(mark_what_exists, migrations.RunPython.noop),
    ]
