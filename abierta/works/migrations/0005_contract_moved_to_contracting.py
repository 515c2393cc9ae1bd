"""Contracts moved to the contracting app: works forgets the model and points at it there.

State only: the table ``works_contract`` and every foreign key to it stay as they are.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracting", "0001_initial"),
        ("procurement", "0003_contracts_in_contracting"),
        ("works", "0004_contract_ascending_sort_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workcontract",
                    name="contract",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="work_links",
                        to="contracting.contract",
                    ),
                ),
                migrations.AlterField(
                    model_name="work",
                    name="contracts",
                    field=models.ManyToManyField(
                        blank=True, related_name="works", through="works.WorkContract", to="contracting.contract"
                    ),
                ),
                migrations.DeleteModel(
                    name="Contract",
                ),
            ],
            database_operations=[],
        ),
    ]
