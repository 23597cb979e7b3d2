from campaigns.models.audit import AuditEvent
from campaigns.models.campaign import Campaign, CampaignKind, CampaignStatus, FundingModel
from campaigns.models.partner import Partner, PartnerKind
from campaigns.models.registry import (
    PovertyCause,
    RegistryHousehold,
    RegistryImport,
    RegistryPerson,
    RegistryStatus,
    Relation,
)

__all__ = [
    "AuditEvent",
    "Campaign",
    "CampaignKind",
    "CampaignStatus",
    "FundingModel",
    "Partner",
    "PartnerKind",
    "PovertyCause",
    "RegistryHousehold",
    "RegistryImport",
    "RegistryPerson",
    "RegistryStatus",
    "Relation",
]
