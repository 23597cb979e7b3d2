"""Finance officers may read the balance alerts in the admin (``view_balancedrift``): while one is
open, releases from that account are refused (ADR 0211)."""

from django.db import migrations


def grant_finance_view(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Finance officers")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename="view_balancedrift")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0016_ledger_balances_and_donor_counts"),
    ]

    operations = [migrations.RunPython(grant_finance_view, migrations.RunPython.noop)]
