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
from payments.models.webhook import WebhookEvent, WebhookStatus

__all__ = [
    "CAPTURED_STATES",
    "AccountKind",
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
    "OutboxCommand",
    "OutboxStatus",
    "Posting",
    "Refund",
    "RefundStatus",
    "WebhookEvent",
    "WebhookStatus",
]
