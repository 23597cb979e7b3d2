from campaigns.models.audit import AuditEvent
from campaigns.models.campaign import Campaign, CampaignKind, CampaignStatus, FundingModel
from campaigns.models.partner import Partner, PartnerKind

__all__ = [
    "AuditEvent",
    "Campaign",
    "CampaignKind",
    "CampaignStatus",
    "FundingModel",
    "Partner",
    "PartnerKind",
]
