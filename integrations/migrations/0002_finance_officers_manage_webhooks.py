"""Finance officers manage outbound webhook subscriptions (ADR 0420); superusers have every
permission anyway."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("integrations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Finance officers")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="integrations", codename="manage_webhooks")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_outbound_webhooks"),
        ("campaigns", "0002_staff_groups"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
