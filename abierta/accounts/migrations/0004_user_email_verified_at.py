from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import F


def fill_from_date_joined(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Accounts confirmed before the field existed: the best known bound is when they joined."""
    user = apps.get_model("accounts", "User")
    user.objects.filter(email_verified=True, email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_totp_enrolment"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="email verified at"),
        ),
        migrations.RunPython(fill_from_date_joined, migrations.RunPython.noop),
    ]
