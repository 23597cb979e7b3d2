"""The three staff roles ship as groups. Page and workflow permissions are added by ``cms``."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Editors": ["submit_campaign", "view_campaign", "view_partner"],
    "Verifiers": ["approve_campaign", "view_campaign", "view_partner"],
    "Finance officers": ["close_campaign", "view_campaign", "view_partner", "change_partner"],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="campaigns", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
