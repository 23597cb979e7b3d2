"""Finance officers approve releases, answer objections and read reconciliation results."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Finance officers": [
        "approve_release",
        "view_release",
        "change_release",
        "view_objection",
        "change_objection",
        "view_allocation",
        "view_reconciliationrun",
        "view_unmatcheditem",
    ],
    "Verifiers": ["view_release"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="payments", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_releases_allocations_reconciliation"), ("campaigns", "0005_verification_role_permissions")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
