"""Releases change state only through the release services (approve, record payout), which check
four eyes; the generic edit permission would let a form bypass them, so no role holds it."""

from django.db import migrations


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    change = Permission.objects.filter(content_type__app_label="payments", codename="change_release")
    for group in Group.objects.filter(name__in=["Finance officers", "Verifiers", "Editors"]):
        group.permissions.remove(*change)


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_release_role_permissions")]
    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
