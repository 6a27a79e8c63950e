"""Only superusers are `is_staff` (the Django admin, behind allauth's login with TOTP). Nurses,
managers and municipality administrators work in /staff/, where their roles decide what they
see; the flag gave them nothing but a door to the admin's login form."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def clear_is_staff_of_non_superusers(
    apps: StateApps, schema_editor: BaseDatabaseSchemaEditor
) -> None:
    User = apps.get_model("scheduling", "User")
    User.objects.filter(is_staff=True, is_superuser=False).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0002_calendars"),
    ]

    operations = [
        # Not reversible in meaning (who had the flag is not kept), harmless to reverse.
        migrations.RunPython(clear_is_staff_of_non_superusers, migrations.RunPython.noop),
    ]
