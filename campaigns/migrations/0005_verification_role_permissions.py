"""Verifiers and finance officers may see restricted registry data; verifiers verify."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Verifiers": [
        "view_restricted_registry",
        "verify_beneficiary",
        "view_registryperson",
        "view_registryhousehold",
        "view_registryimport",
        "view_beneficiary",
        "add_beneficiary",
        "change_beneficiary",
        "view_milestone",
        "add_milestone",
        "change_milestone",
        "view_need",
        "add_need",
        "change_need",
        "view_evidence",
        "add_evidence",
    ],
    "Finance officers": [
        "view_restricted_registry",
        "view_registryperson",
        "view_beneficiary",
        "view_milestone",
        "view_need",
        "view_evidence",
    ],
    "Editors": ["view_beneficiary", "change_beneficiary", "view_milestone", "view_need"],
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
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="campaigns", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_beneficiaries_milestones_needs")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
