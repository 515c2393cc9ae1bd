"""A forwarded irregularity report keeps the day it was forwarded and loses its contact (review C10).

Reports forwarded before this migration are found through the complaint audit log (whose entries
named them, and cannot be changed: it is append-only); their name and contact are removed now.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

PREFIX = "works.irregularityreport:"


def forget_forwarded_contacts(apps: Any, schema_editor: Any) -> None:
    AuditEntry = apps.get_model("complaints", "AuditEntry")
    IrregularityReport = apps.get_model("works", "IrregularityReport")
    for entry in AuditEntry.objects.filter(action="work_report_forwarded", detail__startswith=PREFIX):
        pk = entry.detail[len(PREFIX) :]
        if pk.isdigit():
            IrregularityReport.objects.filter(pk=int(pk)).update(
                contact_name="", contact="", forwarded_on=entry.at.date()
            )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_intake"),
        ("works", "0005_contract_moved_to_contracting"),
    ]

    operations = [
        migrations.AddField(
            model_name="irregularityreport",
            name="forwarded_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(forget_forwarded_contacts, migrations.RunPython.noop),
    ]
