"""Balances kept with each posting, and the donor count kept with each gift (ADR 0211).

- ``payments_ledgerbalance``: per account, entry family and slot, the sum of the postings. A
  statement trigger on ``payments_posting`` adds each inserted statement's postings to the slot of
  the writing session (``pg_backend_pid() % 16``), so concurrent captures into one escrow mostly
  touch different rows. An entry trigger moves a release's escrow amount from family ``release.``
  to ``release.paid`` when its payout entry (``release:<id>:paid``, kind ``payout.*``) is posted.
- ``payments_campaigndonor`` / ``payments_donorcount``: whether a donor has a gift that still counts
  in a campaign, and how many such donors; re-evaluated for that donor and campaign whenever one of
  their gifts or its disputes changes (the rule of ``figures.selectors.donors_count``, written once
  more here in SQL; the balance check compares both).
- Existing postings and gifts are summed into the new tables.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FORWARD = """
-- An entry's family: its kind up to and with the first dot; a release whose payout is posted is
-- 'release.paid' (figures: approved not yet paid / paid to partners).
CREATE FUNCTION ledger_family(entry_kind text, entry_key text) RETURNS text AS $$
    SELECT CASE
        WHEN entry_kind LIKE 'release.%' AND EXISTS (
            SELECT 1 FROM payments_ledgerentry pe
            WHERE pe.key = replace(entry_key, ':approved', ':paid') AND pe.kind LIKE 'payout.%'
        ) THEN 'release.paid'
        WHEN strpos(entry_kind, '.') > 0 THEN split_part(entry_kind, '.', 1) || '.'
        ELSE entry_kind
    END
$$ LANGUAGE sql STABLE;

CREATE FUNCTION ledger_balance_add() RETURNS trigger AS $$
BEGIN
    INSERT INTO payments_ledgerbalance (account_id, family, slot, amount_minor)
    SELECT p.account_id, ledger_family(e.kind, e.key), pg_backend_pid() % 16, SUM(p.amount_minor)
    FROM new_postings p JOIN payments_ledgerentry e ON e.id = p.entry_id
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (account_id, family, slot)
        DO UPDATE SET amount_minor = payments_ledgerbalance.amount_minor + EXCLUDED.amount_minor;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_posting_balance AFTER INSERT ON payments_posting
    REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_balance_add();

CREATE FUNCTION ledger_balance_paid() RETURNS trigger AS $$
BEGIN
    IF NEW.kind LIKE 'payout.%' THEN
        INSERT INTO payments_ledgerbalance (account_id, family, slot, amount_minor)
        SELECT p.account_id, f.family, pg_backend_pid() % 16, f.sign * SUM(p.amount_minor)
        FROM payments_posting p JOIN payments_ledgerentry e ON e.id = p.entry_id
        CROSS JOIN (VALUES ('release.', -1), ('release.paid', 1)) AS f(family, sign)
        WHERE e.key = replace(NEW.key, ':paid', ':approved') AND e.kind LIKE 'release.%'
            AND replace(e.key, ':approved', ':paid') = NEW.key
        GROUP BY p.account_id, f.family, f.sign ORDER BY 1, 2
        ON CONFLICT (account_id, family, slot)
            DO UPDATE SET amount_minor = payments_ledgerbalance.amount_minor + EXCLUDED.amount_minor;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_paid_balance AFTER INSERT ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_balance_paid();

-- Does donor d have a gift whose money still counts in campaign c? Keep the standing row and the
-- campaign's count in step. Captured states and holding dispute statuses as in the models.
CREATE FUNCTION campaign_donor_refresh(c bigint, d bigint) RETURNS void AS $$
DECLARE
    was boolean;
    now_counts boolean;
BEGIN
    IF c IS NULL OR d IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO payments_campaigndonor (campaign_id, donor_id, counts) VALUES (c, d, false)
        ON CONFLICT (campaign_id, donor_id) DO NOTHING;
    SELECT counts INTO was FROM payments_campaigndonor
        WHERE campaign_id = c AND donor_id = d FOR UPDATE;
    SELECT EXISTS (
        SELECT 1 FROM payments_donation g
        WHERE g.donor_id = d AND g.captured_at IS NOT NULL
            AND g.status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed',
                             'charged_back', 'moved')
            AND ((g.campaign_id = c AND g.status <> 'moved') OR (g.moved_to_id = c AND g.status = 'moved'))
            AND g.amount_minor > g.refunded_minor + COALESCE(
                (SELECT SUM(x.amount_minor) FROM payments_dispute x
                 WHERE x.donation_id = g.id AND x.status IN ('open', 'lost')), 0)
    ) INTO now_counts;
    IF now_counts IS DISTINCT FROM was THEN
        UPDATE payments_campaigndonor SET counts = now_counts WHERE campaign_id = c AND donor_id = d;
        INSERT INTO payments_donorcount (campaign_id, slot, donors)
            VALUES (c, pg_backend_pid() % 16, CASE WHEN now_counts THEN 1 ELSE -1 END)
            ON CONFLICT (campaign_id, slot)
                DO UPDATE SET donors = payments_donorcount.donors + EXCLUDED.donors;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION campaign_donor_on_gift() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM campaign_donor_refresh(c, NEW.donor_id)
        FROM (SELECT DISTINCT unnest(ARRAY[NEW.campaign_id, NEW.moved_to_id]) AS c) cs
        WHERE c IS NOT NULL ORDER BY c;
    ELSE
        PERFORM campaign_donor_refresh(c, NEW.donor_id)
        FROM (SELECT DISTINCT unnest(ARRAY[OLD.campaign_id, NEW.campaign_id, OLD.moved_to_id, NEW.moved_to_id]) AS c) cs
        WHERE c IS NOT NULL ORDER BY c;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- The donation flow inserts a gift before capture; a gift inserted already captured (imports,
-- tests, the growth bench) is counted too.
CREATE TRIGGER campaign_donor_gift_inserted AFTER INSERT ON payments_donation FOR EACH ROW
    WHEN (NEW.captured_at IS NOT NULL)
    EXECUTE FUNCTION campaign_donor_on_gift();

CREATE TRIGGER campaign_donor_gift_changed AFTER UPDATE ON payments_donation FOR EACH ROW
    WHEN ((OLD.captured_at IS NOT NULL OR NEW.captured_at IS NOT NULL)  -- a gift never captured never counts
          AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.captured_at IS DISTINCT FROM NEW.captured_at
               OR OLD.refunded_minor <> NEW.refunded_minor OR OLD.amount_minor <> NEW.amount_minor
               OR OLD.campaign_id <> NEW.campaign_id OR OLD.moved_to_id IS DISTINCT FROM NEW.moved_to_id))
    EXECUTE FUNCTION campaign_donor_on_gift();

CREATE FUNCTION campaign_donor_on_dispute() RETURNS trigger AS $$
BEGIN
    PERFORM campaign_donor_refresh(c, g.donor_id)
    FROM payments_donation g, unnest(ARRAY[g.campaign_id, g.moved_to_id]) AS c
    WHERE g.id = NEW.donation_id AND c IS NOT NULL ORDER BY c;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER campaign_donor_dispute_changed AFTER INSERT OR UPDATE ON payments_dispute
    FOR EACH ROW EXECUTE FUNCTION campaign_donor_on_dispute();

INSERT INTO payments_ledgerbalance (account_id, family, slot, amount_minor)
    SELECT p.account_id, ledger_family(e.kind, e.key), 0, SUM(p.amount_minor)
    FROM payments_posting p JOIN payments_ledgerentry e ON e.id = p.entry_id GROUP BY 1, 2;

SELECT campaign_donor_refresh(c, d) FROM (
    SELECT DISTINCT CASE WHEN status = 'moved' THEN moved_to_id ELSE campaign_id END AS c, donor_id AS d
    FROM payments_donation WHERE captured_at IS NOT NULL
) pairs;
"""

BACKWARD = """
DROP TRIGGER campaign_donor_dispute_changed ON payments_dispute;
DROP FUNCTION campaign_donor_on_dispute();
DROP TRIGGER campaign_donor_gift_changed ON payments_donation;
DROP TRIGGER campaign_donor_gift_inserted ON payments_donation;
DROP FUNCTION campaign_donor_on_gift();
DROP FUNCTION campaign_donor_refresh(bigint, bigint);
DROP TRIGGER ledger_entry_paid_balance ON payments_ledgerentry;
DROP FUNCTION ledger_balance_paid();
DROP TRIGGER ledger_posting_balance ON payments_posting;
DROP FUNCTION ledger_balance_add();
DROP FUNCTION ledger_family(text, text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0006_audit_log_view_permission'),
        ('payments', '0015_card_setups_and_their_failures'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BalanceDrift',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('family', models.CharField(max_length=64, verbose_name='entry family')),
                ('kept_minor', models.BigIntegerField(verbose_name='kept balance (minor units)')),
                ('posted_minor', models.BigIntegerField(verbose_name='sum of postings (minor units)')),
                ('found_at', models.DateTimeField(auto_now_add=True, verbose_name='found at')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved at')),
                ('resolution', models.TextField(blank=True, verbose_name='resolution')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='drifts', to='payments.ledgeraccount')),
                ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'balance drift',
                'verbose_name_plural': 'balance drifts',
                'ordering': ['-found_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('resolved_at__isnull', True)), fields=('account', 'family'), name='balance_drift_one_open_per_family')],
            },
        ),
        migrations.CreateModel(
            name='CampaignDonor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('counts', models.BooleanField(default=False, verbose_name='counts')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.campaign')),
                ('donor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='payments.donorprofile')),
            ],
            options={
                'verbose_name': 'campaign donor',
                'verbose_name_plural': 'campaign donors',
                'constraints': [models.UniqueConstraint(fields=('campaign', 'donor'), name='campaign_donor_once')],
            },
        ),
        migrations.CreateModel(
            name='DonorCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slot', models.SmallIntegerField(verbose_name='slot')),
                ('donors', models.IntegerField(default=0, verbose_name='donors')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.campaign')),
            ],
            options={
                'verbose_name': 'donor count',
                'verbose_name_plural': 'donor counts',
                'constraints': [models.UniqueConstraint(fields=('campaign', 'slot'), name='donor_count_one_row_per_slot')],
            },
        ),
        migrations.CreateModel(
            name='LedgerBalance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('family', models.CharField(max_length=64, verbose_name='entry family')),
                ('slot', models.SmallIntegerField(verbose_name='slot')),
                ('amount_minor', models.BigIntegerField(default=0, verbose_name='amount (minor units)')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='balances', to='payments.ledgeraccount')),
            ],
            options={
                'verbose_name': 'ledger balance',
                'verbose_name_plural': 'ledger balances',
                'constraints': [models.UniqueConstraint(fields=('account', 'family', 'slot'), name='ledger_balance_one_row_per_slot')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
