from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0033_offline_gifts_bank_statements"),
    ]

    operations = [
        migrations.AddField(
            model_name="donation",
            name="payment_method_type",
            field=models.CharField(
                choices=[("card", "Card"), ("wechat_pay", "WeChat Pay"), ("alipay", "Alipay")],
                default="card",
                max_length=16,
                verbose_name="paid with",
            ),
        ),
        migrations.AddConstraint(
            model_name="donation",
            constraint=models.CheckConstraint(
                condition=models.Q(("payment_method_type__in", ["card", "wechat_pay", "alipay"])),
                name="donation_payment_method_type_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="donation",
            constraint=models.CheckConstraint(
                condition=models.Q(("payment_method_type", "card"), ("frequency", "one_off"), _connector="OR"),
                name="donation_wallet_gifts_one_off",
            ),
        ),
    ]
