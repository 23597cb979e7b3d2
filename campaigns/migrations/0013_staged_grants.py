"""Staged grants (issue 12, ADR 0310): a grant for one beneficiary paid in ordered stages, each a
milestone. The database keeps two rules whatever path writes: the stages add up to the grant
(checked at commit, so a grant and its stages are written in one transaction), and a verified
milestone's amount never changes (its release was requested for that amount). Editors and
verifiers create and see grants; finance officers see them.

Also (ADR 0307 amended): an outcome of kind "need delivered" names its need, so a verified
delivery is paid to the need's partner through a release like any outcome."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


STAGES_ADD_UP = """
CREATE FUNCTION campaigns_grant_stages_add_up() RETURNS trigger AS $$
DECLARE
    gid bigint;
    wanted bigint;
    wanted_stages integer;
    cur text;
    total bigint;
    stages integer;
    other_currency integer;
BEGIN
    IF TG_TABLE_NAME = 'campaigns_grant' THEN
        gid := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        gid := OLD.grant_id;
    ELSE
        gid := NEW.grant_id;
    END IF;
    IF gid IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT amount_minor, stage_count, currency INTO wanted, wanted_stages, cur
    FROM campaigns_grant WHERE id = gid;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(amount_minor), 0), count(*), count(*) FILTER (WHERE currency <> cur)
    INTO total, stages, other_currency
    FROM campaigns_milestone WHERE grant_id = gid;
    IF total <> wanted OR stages <> wanted_stages OR other_currency > 0 THEN
        RAISE EXCEPTION 'grant %: its % stage(s) add up to % minor units; the grant is % in % stage(s)',
            gid, stages, total, wanted, wanted_stages USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER campaigns_grant_stages_add_up
    AFTER INSERT OR UPDATE ON campaigns_grant
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION campaigns_grant_stages_add_up();
CREATE CONSTRAINT TRIGGER campaigns_milestone_stages_add_up
    AFTER INSERT OR UPDATE OR DELETE ON campaigns_milestone
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION campaigns_grant_stages_add_up();

CREATE FUNCTION campaigns_milestone_verified_amount_fixed() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'verified' AND (
        NEW.amount_minor <> OLD.amount_minor OR NEW.currency <> OLD.currency
        OR NEW.grant_id IS DISTINCT FROM OLD.grant_id OR NEW.stage IS DISTINCT FROM OLD.stage
    ) THEN
        RAISE EXCEPTION 'milestone %: a verified outcome keeps its amount (its release was requested for it)',
            OLD.id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER campaigns_milestone_verified_amount_fixed
    BEFORE UPDATE ON campaigns_milestone
    FOR EACH ROW EXECUTE FUNCTION campaigns_milestone_verified_amount_fixed();
"""

STAGES_ADD_UP_REVERSE = """
DROP TRIGGER campaigns_milestone_verified_amount_fixed ON campaigns_milestone;
DROP FUNCTION campaigns_milestone_verified_amount_fixed();
DROP TRIGGER campaigns_milestone_stages_add_up ON campaigns_milestone;
DROP TRIGGER campaigns_grant_stages_add_up ON campaigns_grant;
DROP FUNCTION campaigns_grant_stages_add_up();
"""

ROLE_PERMISSIONS = {
    "Editors": ["view_grant", "add_grant"],
    "Verifiers": ["view_grant", "add_grant"],
    "Finance officers": ["view_grant"],
}


def grant_permissions(apps, schema_editor):
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

    dependencies = [
        ('campaigns', '0012_need_description_en'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='milestone',
            name='stage',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='stage'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='stage_count',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='of stages'),
        ),
        migrations.CreateModel(
            name='Grant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(help_text='e.g. “Start-up grant, 2026 cohort”.', max_length=200, verbose_name='title')),
                ('title_en', models.CharField(blank=True, max_length=200, verbose_name='title (English)')),
                ('amount_minor', models.BigIntegerField(verbose_name='grant (minor units)')),
                ('currency', models.CharField(choices=[('CNY', 'CNY'), ('USD', 'USD'), ('EUR', 'EUR'), ('HKD', 'HKD'), ('JPY', 'JPY')], default='CNY', max_length=3, verbose_name='currency')),
                ('stage_count', models.PositiveSmallIntegerField(verbose_name='stages')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('beneficiary', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='grants', to='campaigns.beneficiary', verbose_name='beneficiary')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'staged grant',
                'verbose_name_plural': 'staged grants',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='milestone',
            name='grant',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='stages', to='campaigns.grant', verbose_name='staged grant'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('grant__isnull', True), ('stage__isnull', True), ('stage_count__isnull', True)), models.Q(('grant__isnull', False), ('stage__gte', 1), ('stage__lte', models.F('stage_count'))), _connector='OR'), name='milestone_stage_of_its_grant'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.UniqueConstraint(fields=('grant', 'stage'), name='milestone_one_per_grant_stage'),
        ),
        migrations.AddConstraint(
            model_name='grant',
            constraint=models.CheckConstraint(condition=models.Q(('amount_minor__gt', 0)), name='grant_amount_positive'),
        ),
        migrations.AddConstraint(
            model_name='grant',
            constraint=models.CheckConstraint(condition=models.Q(('stage_count__gte', 1)), name='grant_has_stages'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='need',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payment_outcome', to='campaigns.need', verbose_name='need'),
        ),
        migrations.AlterField(
            model_name='milestone',
            name='kind',
            field=models.CharField(choices=[('surgery_performed', 'Surgery performed'), ('term_enrolled', 'Term enrolled, fees due'), ('module_completed', 'Training module completed'), ('business_plan_approved', 'Business plan approved'), ('need_delivered', 'Need delivered')], max_length=32, verbose_name='outcome'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(('need__isnull', True), ('kind', 'need_delivered'), _connector='OR'), name='milestone_of_a_need_is_its_delivery'),
        ),
        migrations.RunSQL(STAGES_ADD_UP, STAGES_ADD_UP_REVERSE),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
