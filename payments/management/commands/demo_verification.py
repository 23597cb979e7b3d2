"""Demo data for verification and the trace. Idempotent: running it twice changes nothing new.

Imports the synthetic registry, gives the three flagship campaigns verified beneficiaries matched
to registry records, draws up an entrepreneur's staged grant (stage 1 verified, its release in
notice), records a verified cataract surgery at the partner hospital and, when gifts
are held in escrow (``demo_donations``), has a second person (``finance``) approve and pay the
release, so a donation is traced to a verified surgery.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from campaigns.demo_staff import demo_staff_named
from campaigns.models import (
    Beneficiary,
    Campaign,
    CampaignKind,
    Evidence,
    MilestoneKind,
    MilestoneStatus,
    NeedKind,
    Partner,
    PartnerKind,
    PartnerMember,
    RegistryImport,
    RegistryPerson,
    RegistryStatus,
)
from campaigns.money import Money
from campaigns.registry.importer import registry_import
from campaigns.registry.sources import CsvRegistrySource
from campaigns.roles import FIELD_OFFICERS, FINANCE_OFFICERS, PARTNERS, VERIFIERS
from campaigns.services import english_texts_set
from campaigns.verification.beneficiaries import (
    beneficiary_create,
    beneficiary_match,
    beneficiary_verify,
    evidence_add,
)
from campaigns.verification.grants import StagePlan, grant_create
from campaigns.verification.milestones import milestone_create, milestone_report, milestone_verify
from campaigns.verification.needs import need_post, need_vet
from payments.allocation.services import NotEnoughHeld, campaign_gifts
from payments.figures.unit_funding import refresh_unit_funding
from payments.ledger.services import InsufficientFunds, balance_of, escrow_account
from payments.releases.models import Release, ReleaseStatus
from payments.releases.payouts import release_record_bank_transfer
from payments.releases.services import release_approve

STAFF_PASSWORD = "clearfund-demo"  # noqa: S105 - demo accounts only

# slug, kind, partner kind, pseudonyms, who to pick from the registry, first milestone
PLAN = [
    ("cataract-surgery", CampaignKind.MEDICAL, PartnerKind.HOSPITAL, ["盘奶奶", "李爷爷", "赵奶奶"],
     Q(health_condition="白内障"), Q(household__county="江华瑶族自治县"), MilestoneKind.SURGERY_PERFORMED),
    ("tuition-aid", CampaignKind.EDUCATION, PartnerKind.SCHOOL, ["小梅", "小杰", "小兰"],
     Q(school_stage__in=["高中", "中职"]), Q(household__county__in=["丹寨县", "大方县"]), MilestoneKind.TERM_ENROLLED),
    ("entrepreneur-leaders", CampaignKind.LIVELIHOOD, PartnerKind.TRAINING_CENTRE, ["阿呷", "木呷"],
     Q(relation="head", birth_date__range=(date(1975, 1, 1), date(1995, 12, 31))), Q(household__county="昭觉县"),
     MilestoneKind.MODULE_COMPLETED),
]  # fmt: skip


# English twins of the demo's public texts (ADR 0403): pseudonyms, counties, evidence, needs.
PSEUDONYMS_EN = {"盘奶奶": "Grandma Pan", "李爷爷": "Grandpa Li", "赵奶奶": "Grandma Zhao", "小梅": "Xiaomei",
                 "小杰": "Xiaojie", "小兰": "Xiaolan", "阿呷": "Aga", "木呷": "Muga"}  # fmt: skip
COUNTIES_EN = {"大方县": "Dafang County", "金阳县": "Jinyang County", "福贡县": "Fugong County",
               "丹寨县": "Danzhai County", "双牌县": "Shuangpai County", "昭觉县": "Zhaojue County",
               "江华瑶族自治县": "Jianghua Yao Autonomous County", "张北县": "Zhangbei County",
               "积石山保安族东乡族撒拉族自治县": "Jishishan Bonan, Dongxiang and Salar Autonomous County"}  # fmt: skip
CONSENT_SUMMARY = ("入户核查表与知情同意书", "Home-visit check sheet and consent form")
DISCHARGE_SUMMARY = ("医院出院小结（白内障超声乳化+人工晶体植入）",
                     "Hospital discharge note (phacoemulsification and lens implant)")  # fmt: skip
CERTIFICATE_SUMMARY = ("培训模块一结业证书与签到表", "Module 1 completion certificate and attendance sheet")
GRANT_STAGES = (("模块一：经营与财务", "Module 1: running a business, bookkeeping"),
                ("模块二：电商销售", "Module 2: selling online"),
                ("商业计划通过评审", "Business plan approved"))  # fmt: skip
NEEDS = {"uniform": ("冬季校服两套", "Two sets of winter school uniform"),
         "wheelchair": ("轮椅一台（家中老人）", "A wheelchair (for an elderly family member)")}  # fmt: skip
# What each need is for, in both languages (no names, ID numbers, addresses or phones).
NEED_DESCRIPTIONS = {
    "冬季校服两套": ("学校冬天没有暖气，现有校服已经穿不下。两套便于换洗。",
               "The school has no heating in winter and her uniform no longer fits. Two sets so one can be washed."),
    "轮椅一台（家中老人）": ("家中老人行走困难，有了轮椅可以自己去村卫生室复查。",
                  "An elderly family member can barely walk; with a wheelchair she can get to the village clinic "
                  "for check-ups on her own."),
}  # fmt: skip


def story_in_english(name: str, county: str) -> str:
    return (f"{PSEUDONYMS_EN.get(name, name)} comes from a registered poor household in "
            f"{COUNTIES_EN.get(county, county)} and agreed to share this story.")  # fmt: skip


class Command(BaseCommand):
    help = "Demo: registry, verified beneficiaries, a verified surgery and its traced release. Idempotent."

    def handle(self, *args, **options):
        self.import_registry()
        self.verifier = self.staff("verifier", VERIFIERS)
        self.finance = self.staff("finance", FINANCE_OFFICERS)
        # A village official posts needs; another person (the verifier) vets them (ADR 0308).
        self.field_officer = self.staff("fieldofficer", FIELD_OFFICERS)
        for slug, kind, partner_kind, names, who, where, first_outcome in PLAN:
            campaign = (
                Campaign.objects.filter(slug=slug).first() or Campaign.objects.filter(kind=kind).first()
            )
            if campaign is None:
                self.stdout.write(f"  no {kind} campaign yet (run demo_campaigns first); skipped")
                continue
            partner = (
                campaign.partners.filter(kind=partner_kind).first()
                or Partner.objects.filter(kind=partner_kind).first()
            )
            beneficiaries = self.beneficiaries(campaign, names, who, where)
            if partner is not None and beneficiaries:
                self.first_milestone(campaign, beneficiaries[0], partner, first_outcome)
            if campaign.unit_cost is not None:
                refresh_unit_funding(campaign=campaign)
        self.needs()

    # --- steps -------------------------------------------------------------------------------
    def import_registry(self) -> None:
        source = CsvRegistrySource(settings.CLEARFUND_REGISTRY_DEMO_FILE)
        if RegistryImport.objects.filter(digest=source.digest()).exists():
            self.stdout.write("  registry already imported")
            return
        report = registry_import(source=source)
        self.stdout.write(f"  registry: {report.households_added} households, {report.people_added} people")

    def staff(self, username: str, role: str) -> User:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        if created:
            user.set_password(STAFF_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        demo_staff_named(user)
        return User.objects.get(pk=user.pk)

    def partner_member(self, username: str, partner: Partner) -> User:
        user = self.staff(username, PARTNERS)
        PartnerMember.objects.get_or_create(user=user, defaults={"partner": partner})
        return user

    def beneficiaries(self, campaign: Campaign, names: list[str], who: Q, where: Q) -> list[Beneficiary]:
        existing = {
            b.pseudonym: b for b in Beneficiary.objects.filter(campaign=campaign, pseudonym__in=names)
        }
        taken = set(
            Beneficiary.objects.filter(campaign=campaign).values_list("registry_person_id", flat=True)
        )
        people = RegistryPerson.objects.filter(who, status=RegistryStatus.REGISTERED, removed_at__isnull=True)
        candidates = list(people.filter(where).exclude(pk__in=taken).order_by("id")[: len(names)])
        candidates += list(people.exclude(pk__in=taken).order_by("id")[: len(names)])
        result = []
        for name in names:
            if name in existing:
                result.append(self.in_english(existing[name]))
                continue
            person = candidates.pop(0)
            b = beneficiary_create(actor=self.verifier, campaign=campaign, pseudonym=name,
                                   story=f"{name}来自{person.household.county}的建档立卡家庭，本人同意公开这段故事。",
                                   story_consent=True)  # fmt: skip
            beneficiary_match(actor=self.verifier, beneficiary=b, id_number=person.id_number)
            evidence_add(actor=self.verifier, beneficiary=b, summary=CONSENT_SUMMARY[0],
                         file=ContentFile(b"%PDF-1.4 demo consent form", name="consent.pdf"),
                         dated=timezone.localdate())  # fmt: skip
            beneficiary_verify(
                actor=self.verifier, beneficiary=b, note="入户核对户口本与建档立卡信息，一致。"
            )
            self.stdout.write(f"  verified beneficiary {name} ({campaign.slug})")
            result.append(self.in_english(b))
        return result

    def in_english(self, beneficiary: Beneficiary) -> Beneficiary:
        """The English twins of a beneficiary's public texts and evidence (idempotent)."""
        beneficiary.refresh_from_db()
        if not beneficiary.pseudonym_en:
            english_texts_set(actor=self.verifier, record=beneficiary, texts={
                "pseudonym": PSEUDONYMS_EN.get(beneficiary.pseudonym, beneficiary.pseudonym),
                "county": COUNTIES_EN.get(beneficiary.county, beneficiary.county),
                "story": story_in_english(beneficiary.pseudonym, beneficiary.county),
            })  # fmt: skip
        for summary, english in (CONSENT_SUMMARY, DISCHARGE_SUMMARY, CERTIFICATE_SUMMARY):
            for evidence in Evidence.objects.filter(summary=summary, summary_en=""):
                english_texts_set(actor=self.verifier, record=evidence, texts={"summary": english})
        return beneficiary

    def first_milestone(
        self, campaign: Campaign, beneficiary: Beneficiary, partner: Partner, kind: str
    ) -> None:
        if campaign.kind == CampaignKind.LIVELIHOOD:
            self.staged_grant(campaign, beneficiary, partner)
            return
        amount = campaign.unit_cost or Money("2000", campaign.currency)
        milestone = beneficiary.milestones.filter(kind=kind).first()
        if milestone is None:
            milestone = milestone_create(actor=self.verifier, beneficiary=beneficiary, kind=kind, amount=amount,
                                         partner=partner, due_date=timezone.localdate() + timedelta(days=14))  # fmt: skip
        if kind != MilestoneKind.SURGERY_PERFORMED:
            return  # the other campaigns' first outcomes are still ahead
        if milestone.status == MilestoneStatus.PLANNED:
            # The hospital reports the outcome; the verifier, another person, verifies it (ADR 0309).
            reporter = self.partner_member("hospital", partner)
            evidence_add(actor=reporter, milestone=milestone, summary=DISCHARGE_SUMMARY[0],
                         file=ContentFile(b"%PDF-1.4 demo discharge note", name="discharge.pdf"),
                         dated=timezone.localdate())  # fmt: skip
            milestone_report(actor=reporter, milestone=milestone)
            self.in_english(beneficiary)
        if milestone.status == MilestoneStatus.REPORTED:
            milestone_verify(actor=self.verifier, milestone=milestone, note="术后随访：视力恢复至0.6。")
            self.stdout.write(f"  verified surgery for {beneficiary.pseudonym} at {partner.name}")
        self.pay(Release.objects.get(milestone=milestone))

    def staged_grant(self, campaign: Campaign, beneficiary: Beneficiary, partner: Partner) -> None:
        """An entrepreneur's staged grant (ADR 0310): the campaign's unit cost (¥12,000) in three
        stages that add up to it: two training modules, then the approved business plan. The
        training centre reports module 1 and the verifier verifies it, so its release waits in
        public notice on the campaign page as "Stage 1 of 3" (and is paid on a later run, once the
        all-or-nothing campaign's gifts are in escrow); the later stages are still ahead."""
        grant = beneficiary.grants.first()
        if grant is None and not beneficiary.milestones.exists():
            unit = campaign.unit_cost or Money("12000", campaign.currency)
            quarter = Money(unit.amount / 4, unit.currency)
            due = timezone.localdate()
            grant = grant_create(actor=self.verifier, beneficiary=beneficiary, title="创业启动资金", amount=unit,
                                 partner=partner, stages=[
                StagePlan(MilestoneKind.MODULE_COMPLETED, quarter, due + timedelta(days=14), GRANT_STAGES[0][0]),
                StagePlan(MilestoneKind.MODULE_COMPLETED, quarter, due + timedelta(days=45), GRANT_STAGES[1][0]),
                StagePlan(MilestoneKind.BUSINESS_PLAN_APPROVED, Money(unit.amount - 2 * quarter.amount,
                          unit.currency), due + timedelta(days=90), GRANT_STAGES[2][0]),
            ])  # fmt: skip
            english_texts_set(actor=self.verifier, record=grant, texts={"title": "Start-up grant"})
            for stage, (_chinese, english) in zip(grant.stages.order_by("stage"), GRANT_STAGES, strict=True):
                english_texts_set(actor=self.verifier, record=stage, texts={"title": english})
            self.stdout.write(f"  staged grant for {beneficiary.pseudonym}: {unit} in 3 stages")
        if grant is None:
            return
        first = grant.stages.get(stage=1)
        if first.status == MilestoneStatus.PLANNED:
            reporter = self.partner_member("trainer", partner)
            evidence_add(actor=reporter, milestone=first, summary=CERTIFICATE_SUMMARY[0],
                         file=ContentFile(b"%PDF-1.4 demo module certificate", name="certificate.pdf"),
                         dated=timezone.localdate())  # fmt: skip
            milestone_report(actor=reporter, milestone=first)
            self.in_english(beneficiary)
        if first.status == MilestoneStatus.REPORTED:
            milestone_verify(actor=self.verifier, milestone=first, note="核对结业证书与签到表，属实。")
            self.stdout.write(f"  verified stage 1 of {beneficiary.pseudonym}'s grant at {partner.name}")
        self.pay(Release.objects.get(milestone=first))

    def pay(self, release: Release) -> None:
        if release.status == ReleaseStatus.REQUESTED:
            if balance_of(escrow_account(release.campaign)) < release.amount:
                self.stdout.write("  release waits: not enough gifts in escrow yet (run demo_donations)")
                return
            if timezone.now() < release.notice_ends_at:
                self.stdout.write(
                    f"  release waits for its public notice period until {release.notice_ends_at}"
                )
                return
            try:
                release_approve(release=release, actor=self.finance)
            except (NotEnoughHeld, InsufficientFunds) as error:
                self.stdout.write(f"  release waits: {error}")
                return
        if release.status == ReleaseStatus.APPROVED and release.payout_method == "bank":
            release_record_bank_transfer(release=release, actor=self.finance, reference="ICBC-DEMO-0001",
                                         proof=ContentFile(b"%PDF-1.4 demo bank slip", name="bank-slip.pdf"))  # fmt: skip
        release.refresh_from_db()
        gift = campaign_gifts(release.campaign).filter(allocations__release=release).order_by("pk").first()
        if gift is not None:
            url = reverse("payments:gift_trace", kwargs={"public_id": gift.public_id})
            self.stdout.write(f"  release {release.status}: trace a gift at {settings.SITE_URL}{url}")

    def needs(self) -> None:
        beneficiary = Beneficiary.objects.filter(status="verified", campaign__slug="tuition-aid").first()
        beneficiary = beneficiary or Beneficiary.objects.filter(status="verified").first()
        if beneficiary is None:
            return
        if not beneficiary.needs.exists():
            for (title, _english), kind, cost in (
                (NEEDS["uniform"], NeedKind.SCHOOL, "360"),
                (NEEDS["wheelchair"], NeedKind.MOBILITY, "900"),
            ):
                need = need_post(actor=self.field_officer, beneficiary=beneficiary, title=title, kind=kind,
                                 amount=Money(cost, "CNY"), description=NEED_DESCRIPTIONS[title][0])  # fmt: skip
                need_vet(actor=self.verifier, need=need, note="入户核实：确有此需要。")
            self.stdout.write("  field officer posted 2 needs; the verifier vetted them onto the needs board")
        for chinese, english in NEEDS.values():
            for need in beneficiary.needs.filter(title=chinese, title_en=""):
                english_texts_set(actor=self.verifier, record=need, texts={
                    "title": english, "county": COUNTIES_EN.get(need.county, need.county)})  # fmt: skip
            description, description_en = NEED_DESCRIPTIONS[chinese]
            for need in beneficiary.needs.filter(title=chinese, description=description, description_en=""):
                english_texts_set(actor=self.verifier, record=need, texts={"description": description_en})
