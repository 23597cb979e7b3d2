"""Finance officers keep the matchers and their pools in the admin (add, change, view); pay-ins
and matches are written only by the services (ADR 0227)."""

from django.db import migrations

CODENAMES = [
    "add_matcher", "change_matcher", "view_matcher",
    "add_matchpool", "change_matchpool", "view_matchpool",
    "view_poolpayin", "view_poolmatch", "view_matchallocation",
]  # fmt: skip


def grant_finance(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Finance officers")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0031_matching_pools"),
    ]

    operations = [migrations.RunPython(grant_finance, migrations.RunPython.noop)]
