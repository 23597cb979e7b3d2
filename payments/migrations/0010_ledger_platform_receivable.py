"""A ledger account kind for money that left a campaign without escrow to cover it (a refund made
at the provider after the gift was released): ``platform_receivable``. ADR 0208."""

from django.db import migrations, models

KINDS = [
    ("donor_funds", "Donor funds (external)"),
    ("provider_clearing", "Provider clearing"),
    ("campaign_escrow", "Campaign escrow"),
    ("disputed", "Disputed funds"),
    ("partner_payable", "Partner payable"),
    ("partner_paid", "Paid to partners (external)"),
    ("processing_fees", "Processing fees"),
    ("refunds", "Refunded to donors (external)"),
    ("dispute_losses", "Dispute losses"),
    ("platform_receivable", "Refunded after release, to recover"),
]


class Migration(migrations.Migration):
    dependencies = [("payments", "0009_sent_messages_and_refund_retrying")]

    operations = [
        migrations.RemoveConstraint(model_name="ledgeraccount", name="ledger_account_kind_valid"),
        migrations.AlterField(
            model_name="ledgeraccount",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=32, verbose_name="kind"),
        ),
        migrations.AddConstraint(
            model_name="ledgeraccount",
            constraint=models.CheckConstraint(
                condition=models.Q(kind__in=[k for k, _label in KINDS]), name="ledger_account_kind_valid"
            ),
        ),
    ]
