"""The double-entry ledger: accounts, entries and postings in integer minor units.

Each account is a bucket of money; a posting moves a signed amount into (positive) or out of
(negative) a bucket; the postings of an entry sum to zero per currency. Buckets outside the
platform (donors' cards, partners' banks) are ``external`` accounts and go negative as money
arrives from or leaves to the world. Entries and postings are never updated or deleted: the
database refuses it (see the ``ledger_append_only`` migration); corrections are reversing entries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money


class AccountKind(models.TextChoices):
    DONOR_FUNDS = "donor_funds", _("Donor funds (external)")
    PROVIDER_CLEARING = "provider_clearing", _("Provider clearing")
    CAMPAIGN_ESCROW = "campaign_escrow", _("Campaign escrow")
    DISPUTED = "disputed", _("Disputed funds")
    PARTNER_PAYABLE = "partner_payable", _("Partner payable")
    PARTNER_PAID = "partner_paid", _("Paid to partners (external)")
    PROCESSING_FEES = "processing_fees", _("Processing fees")
    REFUNDS = "refunds", _("Refunded to donors (external)")
    DISPUTE_LOSSES = "dispute_losses", _("Dispute losses")
    # A campaign's money that left on its behalf without escrow to cover it (a refund made at the
    # provider after the gift was released to a partner): the platform fronted it and must recover
    # it. May go negative: its balance is minus what is still to recover. ADR 0208.
    PLATFORM_RECEIVABLE = "platform_receivable", _("Refunded after release, to recover")
    # Matching pools (ADR 0227): matchers' money comes in from outside (external, goes negative)
    # into one account per pool, which matches spend from and may never take below zero.
    MATCHER_FUNDS = "matcher_funds", _("Matchers' funds (external)")
    MATCH_POOL = "match_pool", _("Matching pool, paid in")
    # A closed pool's paid-in but unmatched money, owed back to its matcher (ADR 0238): external,
    # like refunds to donors; one per currency.
    MATCHER_RETURNED = "matcher_returned", _("Returned to matchers (external)")


# Buckets that hold money on behalf of someone: spending from them locks the account row and
# refuses to take the balance below zero.
NON_NEGATIVE_KINDS = frozenset(
    {AccountKind.CAMPAIGN_ESCROW, AccountKind.DISPUTED, AccountKind.PARTNER_PAYABLE, AccountKind.MATCH_POOL}
)


class LedgerAccount(models.Model):
    code = models.CharField(_("code"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AccountKind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    partner = models.ForeignKey(
        "campaigns.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccountKind.values), name="ledger_account_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def may_go_negative(self) -> bool:
        return self.kind not in NON_NEGATIVE_KINDS


class LedgerEntry(models.Model):
    """One balanced movement of money. ``key`` makes posting it idempotent."""

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.key


class Posting(models.Model):
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=~Q(amount_minor=0), name="posting_amount_nonzero"),
        ]
        indexes = [models.Index(fields=["account", "entry"], name="posting_account_idx")]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


# Balance rows per account and entry family are spread over this many slots, chosen by the
# writing database session, so concurrent postings to one account rarely wait on the same row.
BALANCE_SLOTS = 16


class LedgerBalance(models.Model):
    """The running sum of an account's postings of one entry family, in one of its slots.

    Written only by the database trigger on ``Posting`` (migration
    ``ledger_balances_and_donor_counts``), in the transaction of the posting; read by summing an
    account's (or a family's) slots. ``family`` is the entry kind before its first dot, except that
    ``release.*`` postings whose release is paid are in ``release_paid``. ADR 0211.
    """

    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="balances")
    family = models.CharField(_("entry family"), max_length=64)
    slot = models.SmallIntegerField(_("slot"))
    amount_minor = models.BigIntegerField(_("amount (minor units)"), default=0)

    class Meta:
        verbose_name = _("ledger balance")
        verbose_name_plural = _("ledger balances")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "family", "slot"], name="ledger_balance_one_row_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.family}/{self.slot}: {self.amount_minor}"


class BalanceDrift(models.Model):
    """A kept balance that disagreed with its postings: an alert for finance.

    While one is open for an account, releases and payouts may not spend from it
    (``payments.ledger.services.entry_post``). Finance closes it with ``balance_drift_resolve``
    once it knows why. ADR 0211.
    """

    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="drifts")
    family = models.CharField(_("entry family"), max_length=64)
    kept_minor = models.BigIntegerField(_("kept balance (minor units)"))
    posted_minor = models.BigIntegerField(_("sum of postings (minor units)"))
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("balance alert")
        verbose_name_plural = _("balance alerts")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "family"],
                condition=Q(resolved_at__isnull=True),
                name="balance_drift_one_open_per_family",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {self.family}: kept {self.kept_minor}, posted {self.posted_minor}"
