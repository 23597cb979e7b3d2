"""Every model of the payments app, for Django's app registry and for code outside ``payments``.

Each concept keeps its models in its own subpackage; code inside ``payments`` imports them from
there (``payments.donations.models``), never from here, so subpackages stay free of cycles.
"""

from payments.allocation.models import Allocation, AllocationCursor
from payments.disputes.models import Dispute, DisputeStatus
from payments.donations.models import (
    CAPTURED_STATES,
    CardSetup,
    CardSetupFailure,
    Donation,
    DonationEvent,
    DonationStatus,
    DonorProfile,
    Frequency,
    MonthlyPlan,
    MonthlyPlanStatus,
)
from payments.donor_accounts.models import DonorSignInLink
from payments.figures.models import CampaignDonor, DonorCount
from payments.ledger.models import (
    AccountKind,
    BalanceDrift,
    LedgerAccount,
    LedgerBalance,
    LedgerEntry,
    Posting,
)
from payments.matching.models import MatchAllocation, Matcher, MatchPool, PoolMatch, PoolPayIn, PoolReturn
from payments.needs.models import NeedGift
from payments.notifications.models import (
    DonorNotification,
    MailPreferences,
    NotificationDigest,
    NotificationEvent,
    NotificationKind,
)
from payments.offline.models import BankStatementLine, OfflineGift, OfflineRefund, StatementImport
from payments.outbox.models import OutboxCommand, OutboxStatus
from payments.reconciliation.models import ReconciliationRun, UnmatchedItem, UnmatchedSide
from payments.refunds.models import Refund, RefundStatus
from payments.releases.models import Objection, ObjectionResolution, PayoutMethod, Release, ReleaseStatus
from payments.supporters.models import (
    SupporterGift,
    SupporterPage,
    SupporterPageReport,
    SupporterPageTotal,
    Team,
)
from payments.webhooks.models import WebhookEvent, WebhookStatus

__all__ = [
    "CAPTURED_STATES",
    "AccountKind",
    "Allocation",
    "AllocationCursor",
    "BalanceDrift",
    "BankStatementLine",
    "CampaignDonor",
    "CardSetup",
    "CardSetupFailure",
    "Dispute",
    "DisputeStatus",
    "Donation",
    "DonationEvent",
    "DonationStatus",
    "DonorCount",
    "DonorNotification",
    "DonorProfile",
    "DonorSignInLink",
    "Frequency",
    "LedgerAccount",
    "LedgerBalance",
    "LedgerEntry",
    "MailPreferences",
    "MatchAllocation",
    "MatchPool",
    "Matcher",
    "MonthlyPlan",
    "MonthlyPlanStatus",
    "NeedGift",
    "NotificationDigest",
    "NotificationEvent",
    "NotificationKind",
    "Objection",
    "ObjectionResolution",
    "OfflineGift",
    "OfflineRefund",
    "OutboxCommand",
    "OutboxStatus",
    "PayoutMethod",
    "PoolMatch",
    "PoolPayIn",
    "PoolReturn",
    "Posting",
    "ReconciliationRun",
    "Refund",
    "RefundStatus",
    "Release",
    "ReleaseStatus",
    "StatementImport",
    "SupporterGift",
    "SupporterPage",
    "SupporterPageReport",
    "SupporterPageTotal",
    "Team",
    "UnmatchedItem",
    "UnmatchedSide",
    "WebhookEvent",
    "WebhookStatus",
]
