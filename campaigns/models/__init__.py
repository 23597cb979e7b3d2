from campaigns.models.audit import AuditEvent
from campaigns.models.beneficiary import AgeBand, Beneficiary, BeneficiaryStatus, Evidence
from campaigns.models.campaign import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    FundingModel,
    PublicFundraisingFields,
)
from campaigns.models.four_eyes import FourEyesRecord
from campaigns.models.grant import Grant
from campaigns.models.milestone import Milestone, MilestoneKind, MilestoneStatus
from campaigns.models.need import (
    NEED_FUNNEL,
    PAID_NEED_STATUSES,
    PUBLIC_NEED_STATUSES,
    Need,
    NeedKind,
    NeedStatus,
)
from campaigns.models.partner import Partner, PartnerKind, PartnerMember
from campaigns.models.registry import (
    PovertyCause,
    RegistryHousehold,
    RegistryImport,
    RegistryPerson,
    RegistryStatus,
    Relation,
)

__all__ = [
    "NEED_FUNNEL",
    "PAID_NEED_STATUSES",
    "PUBLIC_NEED_STATUSES",
    "AgeBand",
    "AuditEvent",
    "Beneficiary",
    "BeneficiaryStatus",
    "Campaign",
    "CampaignKind",
    "CampaignStatus",
    "Evidence",
    "FourEyesRecord",
    "FundingModel",
    "Grant",
    "Milestone",
    "MilestoneKind",
    "MilestoneStatus",
    "Need",
    "NeedKind",
    "NeedStatus",
    "Partner",
    "PartnerKind",
    "PartnerMember",
    "PovertyCause",
    "PublicFundraisingFields",
    "RegistryHousehold",
    "RegistryImport",
    "RegistryPerson",
    "RegistryStatus",
    "Relation",
]
