"""Contracts move here from the works app: the model's state only.

The table (``works_contract``), its columns and indexes, and the PostgreSQL search vector and
indexes made by SQL stay as works' migrations 0001-0004 created them; nothing is run on the
database but the rename of the model's content type, so that its permissions and change records
follow it.
"""

from django.db import migrations, models


def _content_type_to(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=new, model="contract").exists():
        ContentType.objects.using(db).filter(app_label=old, model="contract").update(app_label=new)


def forward(apps, schema_editor):
    _content_type_to(apps, schema_editor, "works", "contracting")


def backward(apps, schema_editor):
    _content_type_to(apps, schema_editor, "contracting", "works")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("works", "0004_contract_ascending_sort_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='Contract',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ocid', models.CharField(max_length=120, unique=True, verbose_name='OCID')),
                ('source', models.CharField(choices=[('secop2', 'SECOP II export'), ('ocds', 'OCDS release'), ('manual', 'Entered by staff')], max_length=10, verbose_name='source')),
                ('contract_id', models.CharField(blank=True, db_index=True, max_length=120, verbose_name='contract number')),
                ('process_id', models.CharField(blank=True, db_index=True, max_length=120, verbose_name='process number')),
                ('buyer_name', models.CharField(blank=True, max_length=300, verbose_name='contracting entity')),
                ('buyer_nit', models.CharField(blank=True, db_index=True, max_length=30, verbose_name='entity NIT')),
                ('supplier_name', models.CharField(blank=True, max_length=300, verbose_name='contractor')),
                ('supplier_doc_type', models.CharField(blank=True, max_length=60, verbose_name='contractor document type')),
                ('supplier_doc', models.CharField(blank=True, db_index=True, max_length=60, verbose_name='contractor document number')),
                ('title', models.TextField(blank=True, verbose_name='object')),
                ('category_code', models.CharField(blank=True, db_index=True, max_length=20, verbose_name='main UNSPSC code')),
                ('modality', models.CharField(blank=True, db_index=True, max_length=160, verbose_name='procurement modality')),
                ('contract_type', models.CharField(blank=True, db_index=True, max_length=160, verbose_name='contract type')),
                ('status', models.CharField(blank=True, db_index=True, max_length=80, verbose_name='status')),
                ('procurement_method', models.CharField(blank=True, max_length=20, verbose_name='OCDS procurement method')),
                ('signed_on', models.DateField(blank=True, null=True, verbose_name='signed on')),
                ('start_on', models.DateField(blank=True, null=True, verbose_name='start date')),
                ('end_on', models.DateField(blank=True, null=True, verbose_name='end date')),
                ('year', models.PositiveSmallIntegerField(blank=True, db_index=True, null=True, verbose_name='year')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True, verbose_name='value (COP)')),
                ('original_value', models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True, verbose_name='original value (COP)')),
                ('value_added', models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True, verbose_name='value added by amendments (COP)')),
                ('estimate_value', models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True, verbose_name='estimated value (COP)')),
                ('paid', models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True, verbose_name='paid (COP)')),
                ('days_added', models.IntegerField(blank=True, null=True, verbose_name='days added')),
                ('original_term_days', models.IntegerField(blank=True, null=True, verbose_name='original term (days)')),
                ('bidders', models.PositiveIntegerField(blank=True, null=True, verbose_name='number of bidders')),
                ('tender_period_days', models.IntegerField(blank=True, null=True, verbose_name='submission period (days)')),
                ('url', models.URLField(blank=True, max_length=500, verbose_name='SECOP link')),
                ('search_document', models.TextField(blank=True)),
                ('flags', models.JSONField(blank=True, default=list, verbose_name='red flags raised')),
                ('release', models.JSONField(verbose_name='OCDS compiled release')),
                ('release_hash', models.CharField(max_length=64)),
                ('release_date', models.DateTimeField(blank=True, null=True, verbose_name='release date')),
                ('imported_at', models.DateTimeField(auto_now=True, verbose_name='imported at')),
            ],
            options={
                'verbose_name': 'contract',
                'verbose_name_plural': 'contracts',
                'db_table': 'works_contract',
                'ordering': ['-signed_on', '-pk'],
                'indexes': [models.Index(fields=['supplier_name', 'id'], name='works_contract_supplier'), models.Index(fields=['buyer_name', 'id'], name='works_contract_buyer'), models.Index(fields=['signed_on', 'id'], name='works_contract_signed_asc'), models.Index(fields=['value', 'id'], name='works_contract_value_asc')],
            },
        ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forward, backward),
    ]
