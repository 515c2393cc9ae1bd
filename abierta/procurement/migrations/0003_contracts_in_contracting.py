"""Plan lines point at contracts in their new app; the table and its foreign keys do not change."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracting", "0001_initial"),
        ("procurement", "0002_unspsc_codes_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="planline",
                    name="contracts",
                    field=models.ManyToManyField(blank=True, related_name="plan_lines", to="contracting.contract"),
                ),
            ],
            database_operations=[],
        ),
    ]
