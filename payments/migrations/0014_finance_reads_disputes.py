"""Finance officers may read the disputes list in the admin (``view_dispute``): a dispute on a gift
already released is fronted by the platform and finance must recover it (ADR 0208)."""

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
    group.permissions.add(*Permission.objects.filter(content_type__app_label="payments", codename="view_dispute"))


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0013_refund_field_names_people_read"),
    ]

    operations = [migrations.RunPython(grant_finance_view, migrations.RunPython.noop)]
