"""Two more roles ship as groups: field officers (post needs, propose beneficiaries) and partners
(their own partner's cases; each user bound to one partner by ``PartnerMember``). Both use the
Wagtail admin on a phone for their screens."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Field officers": [("wagtailadmin", "access_admin")],
    "Partners": [("wagtailadmin", "access_admin")],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0009_needs_vetting_holds_and_partner_members"),
        ("wagtailadmin", "0006_formstate"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
