"""Offline gifts (cash at a village station, bank transfers) and imported bank statement lines.

An ``OfflineGift`` is recorded by one finance officer and confirmed by another (four eyes, ADR
0230); only on confirmation does it become a ``Donation`` captured through the card gifts' own
capture path (``donation_record_capture``), so figures, trace, wall, receipts and reports read it
like any gift. A ``BankStatementLine`` is one credit line of an imported statement file, matched
to the one transfer it pays (an offline bank-transfer gift or a matching pool's pay-in) or left
for finance to reconcile (unmatched, ambiguous).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.constraints import money_constraints
from campaigns.models.four_eyes import FourEyesRecord
from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.storage import private_storage
from campaigns.templatetags.labels import bracketed_text


class OfflineChannel(models.TextChoices):
    CASH = "cash", _("Cash at a village station")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class OfflineGiftStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class OfflineGift(FourEyesRecord):
    """A gift received outside the payment provider. ``key`` identifies it (channel, station or
    bank, reference, amount, date received): the same paper receipt typed twice is refused."""

    key = models.CharField(max_length=200)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("campaign"))  # fmt: skip
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    channel = models.CharField(_("received as"), max_length=16, choices=OfflineChannel.choices)
    place = models.CharField(_("station or bank"), max_length=120,
                             help_text=_("The village station that took the cash, or the bank account it was paid into."))  # fmt: skip
    reference = models.CharField(_("receipt number or bank reference"), max_length=120,
                                 help_text=_("The number written on the paper receipt, or the bank's reference."))  # fmt: skip
    received_on = models.DateField(_("date received"))
    donor_name = models.CharField(_("donor's name"), max_length=80, blank=True)
    donor_email = models.EmailField(_("donor's email"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False,
                                    help_text=_("The donor's name is not shown on the wall of support."))  # fmt: skip
    scan = models.FileField(_("scan of the receipt or bank slip"), storage=private_storage,
                            upload_to="offline/%Y/%m/", blank=True)  # fmt: skip
    status = models.CharField(_("status"), max_length=16, choices=OfflineGiftStatus.choices,
                              default=OfflineGiftStatus.RECORDED)  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)
    donation = models.OneToOneField("payments.Donation", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="offline", verbose_name=_("gift"))  # fmt: skip

    class Meta:
        verbose_name = _("offline gift")
        verbose_name_plural = _("offline gifts")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            *money_constraints(
                "offline_gift",
                choices={
                    "status": OfflineGiftStatus.values,
                    "channel": OfflineChannel.values,
                    "currency": [c for c, _n in CURRENCY_CHOICES],
                },
            ),
            # A rejected entry (a typing mistake) does not block typing it again correctly.
            models.UniqueConstraint(
                fields=["key"], condition=~Q(status="rejected"), name="offline_gift_once"
            ),
            models.CheckConstraint(
                condition=Q(donation__isnull=True) | Q(status="confirmed"),
                name="offline_gift_in_ledger_only_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return bracketed_text(f"{self.amount} → {self.campaign}", self.get_status_display())

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class OfflineRefundMethod(models.TextChoices):
    CASH = "cash", _("Cash handed back")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer back to the donor")


class OfflineRefundStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class OfflineRefund(FourEyesRecord):
    """Money of a confirmed offline gift paid back to its donor outside the payment provider (cash
    or a bank transfer), recorded by one finance officer and confirmed by another (ADR 0237). On
    confirmation it becomes a ``Refund`` posted through the card refunds' own posting, so figures,
    the match's give-back and the credit note follow. ``key`` (gift, method, reference) refuses
    the same repayment typed twice."""

    key = models.CharField(max_length=200)
    gift = models.ForeignKey(OfflineGift, on_delete=models.PROTECT, related_name="refunds",
                             verbose_name=_("offline gift"))  # fmt: skip
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    method = models.CharField(_("paid back as"), max_length=16, choices=OfflineRefundMethod.choices)
    reference = models.CharField(_("receipt number or bank reference"), max_length=120,
                                 help_text=_("The number of the receipt the donor signed, or the bank's reference of the transfer back."))  # fmt: skip
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=OfflineRefundStatus.choices,
                              default=OfflineRefundStatus.RECORDED)  # fmt: skip
    refund = models.OneToOneField("payments.Refund", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="offline", verbose_name=_("refund"))  # fmt: skip

    class Meta:
        verbose_name = _("offline refund")
        verbose_name_plural = _("offline refunds")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            *money_constraints(
                "offline_refund",
                choices={
                    "status": OfflineRefundStatus.values,
                    "method": OfflineRefundMethod.values,
                },
            ),
            models.UniqueConstraint(
                fields=["key"], condition=~Q(status="rejected"), name="offline_refund_once"
            ),
            models.CheckConstraint(
                condition=Q(refund__isnull=True, status__in=["recorded", "rejected"])
                | Q(refund__isnull=False, status="confirmed"),
                name="offline_refund_in_ledger_only_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return bracketed_text(f"{self.amount} ← {self.gift_id}", self.get_status_display())

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class StatementImport(models.Model):
    """One bank statement file imported by a finance officer (the file itself is not kept)."""

    file_name = models.CharField(_("file"), max_length=200)
    digest = models.CharField(_("file digest"), max_length=64, db_index=True)
    layout = models.CharField(_("layout"), max_length=40)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("imported by"))  # fmt: skip
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    credit_lines = models.PositiveIntegerField(_("credit lines"), default=0)
    new_lines = models.PositiveIntegerField(_("new lines"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)

    class Meta:
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class LineOutcome(models.TextChoices):
    MATCHED = "matched", _("Matched")
    UNMATCHED = "unmatched", _("No expected transfer")
    AMBIGUOUS = "ambiguous", _("Ambiguous: more than one expected transfer")
    RESOLVED = "resolved", _("Resolved by finance")


class BankStatementLine(models.Model):
    """One credit line of a bank statement, once (``line_key``: the bank's serial number, or a
    digest of the line when the bank gives none), with what it was matched to."""

    statement = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="lines")
    line_key = models.CharField(max_length=120, unique=True)
    line_no = models.PositiveIntegerField(_("line in the file"))
    booked_on = models.DateField(_("date"))
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    payer_name = models.CharField(_("payer"), max_length=120, blank=True)
    # Only the last four digits of the payer's account number are kept.
    payer_account_tail = models.CharField(_("payer's account (last digits)"), max_length=8, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    serial = models.CharField(_("bank serial number"), max_length=80, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=LineOutcome.choices)
    offline_gift = models.OneToOneField(OfflineGift, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="statement_line", verbose_name=_("offline gift"))  # fmt: skip
    pay_in = models.OneToOneField("payments.PoolPayIn", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="statement_line", verbose_name=_("pledge pay-in"))  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["-booked_on", "-pk"]
        constraints = [
            *money_constraints(
                "statement_line", positive={"credit": "amount_minor"}, choices={"outcome": LineOutcome.values}
            ),
            models.CheckConstraint(
                condition=Q(outcome="matched", offline_gift__isnull=False, pay_in__isnull=True)
                | Q(outcome="matched", offline_gift__isnull=True, pay_in__isnull=False)
                | (~Q(outcome="matched") & Q(offline_gift__isnull=True, pay_in__isnull=True)),
                name="statement_line_matched_to_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.payer_name}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)
