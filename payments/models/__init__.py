from payments.models.allocation import Allocation
from payments.models.donation import (
    CAPTURED_STATES,
    Donation,
    DonationEvent,
    DonationStatus,
    DonorProfile,
    Frequency,
    MonthlyPlan,
    MonthlyPlanStatus,
)
from payments.models.ledger import AccountKind, LedgerAccount, LedgerEntry, Posting
from payments.models.outbox import (
    Dispute,
    DisputeStatus,
    OutboxCommand,
    OutboxStatus,
    Refund,
    RefundStatus,
)
from payments.models.reconciliation import ReconciliationRun, UnmatchedItem, UnmatchedSide
from payments.models.release import Objection, ObjectionResolution, PayoutMethod, Release, ReleaseStatus
from payments.models.webhook import WebhookEvent, WebhookStatus

__all__ = [
    "CAPTURED_STATES",
    "AccountKind",
    "Allocation",
    "Dispute",
    "DisputeStatus",
    "Donation",
    "DonationEvent",
    "DonationStatus",
    "DonorProfile",
    "Frequency",
    "LedgerAccount",
    "LedgerEntry",
    "MonthlyPlan",
    "MonthlyPlanStatus",
    "Objection",
    "ObjectionResolution",
    "OutboxCommand",
    "OutboxStatus",
    "PayoutMethod",
    "Posting",
    "ReconciliationRun",
    "Refund",
    "RefundStatus",
    "Release",
    "ReleaseStatus",
    "UnmatchedItem",
    "UnmatchedSide",
    "WebhookEvent",
    "WebhookStatus",
]
