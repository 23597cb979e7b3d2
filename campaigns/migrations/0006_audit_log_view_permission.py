"""Verifiers and finance officers read the audit log in the admin."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="campaigns", codename="view_auditevent")
    for name in ("Verifiers", "Finance officers"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*view)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0005_verification_role_permissions")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
