"""Beneficiaries of a campaign, their evidence, and verification state.

A beneficiary is public under a pseudonym with an age band, county, and the story and photo they
consented to. Before anyone may fund them a verifier matches them to a registry person (by keyed
hash) and signs off with evidence and a note.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.reader_language import reader_str
from campaigns.storage import private_storage
from campaigns.templatetags.labels import bracketed_text


class AgeBand(models.TextChoices):
    CHILD = "0-17", _("under 18")
    YOUNG = "18-34", _("18–34")
    MIDDLE = "35-49", _("35–49")
    OLDER = "50-64", _("50–64")
    ELDER = "65+", _("65 and over")


class BeneficiaryStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    MATCHED = "matched", _("Matched to the registry")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Beneficiary(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name=_("campaign"),
    )
    pseudonym = models.CharField(
        _("pseudonym"), max_length=50, help_text=_("The public name, e.g. 李奶奶. Never the real name.")
    )
    pseudonym_en = models.CharField(
        _("pseudonym (English)"), max_length=50, blank=True, help_text=_("e.g. Grandma Li.")
    )
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    county = models.CharField(_("county"), max_length=50, blank=True)
    county_en = models.CharField(_("county (English)"), max_length=50, blank=True)
    story = models.TextField(_("story (consented)"), blank=True)
    story_en = models.TextField(_("story (English)"), blank=True)
    story_consent = models.BooleanField(_("consented to the story being published"), default=False)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_consent = models.BooleanField(_("consented to the photo being published"), default=False)
    registry_person = models.ForeignKey(
        "campaigns.RegistryPerson",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name=_("registry record (restricted)"),
    )
    id_hash = models.CharField(_("keyed hash of the ID number"), max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BeneficiaryStatus.choices, default=BeneficiaryStatus.PROPOSED
    )
    # Who proposed them (a field officer or a verifier posting a need): never who verifies them.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("proposed by"),
    )  # fmt: skip
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    funded_at = models.DateTimeField(_("funded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["campaign", "verified_at", "id"]
        permissions = [("verify_beneficiary", _("Can verify beneficiaries and outcomes"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BeneficiaryStatus.values), name="beneficiary_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | (Q(verified_at__isnull=False) & Q(verified_by__isnull=False)),
                name="beneficiary_verified_has_verifier",
            ),
            models.UniqueConstraint(
                fields=["campaign", "registry_person"],
                condition=Q(registry_person__isnull=False),
                name="beneficiary_once_per_campaign",
            ),
        ]

    def __str__(self) -> str:
        # "盘奶奶（白内障复明手术项目）"; "Grandma Pan (Cataract surgery programme)" in English
        return bracketed_text(reader_str(self, "pseudonym"), self.campaign)

    @property
    def is_verified(self) -> bool:
        return self.status == BeneficiaryStatus.VERIFIED

    @property
    def public_story(self) -> str:
        return self.story if self.story_consent else ""

    @property
    def public_story_en(self) -> str:
        return self.story_en if self.story_consent else ""

    @property
    def public_photo(self):
        return self.photo if self.photo_consent else None


class Evidence(models.Model):
    """A file supporting a verification: consent form, discharge note, enrolment receipt, photo.

    The file lives in private storage. ``summary`` is the public description shown in the
    disbursement feed; it must not contain restricted data.
    """

    beneficiary = models.ForeignKey(
        Beneficiary, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    milestone = models.ForeignKey(
        "campaigns.Milestone", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    need = models.ForeignKey(
        "campaigns.Need", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="evidence/%Y/%m/", blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(
        _("public summary"),
        max_length=200,
        help_text=_("e.g. “Discharge note from the hospital”. No names, ID numbers or addresses."),
    )
    summary_en = models.CharField(_("public summary (English)"), max_length=200, blank=True)
    dated = models.DateField(_("date of the evidence"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-dated", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(beneficiary__isnull=False) | Q(milestone__isnull=False) | Q(need__isnull=False),
                name="evidence_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return reader_str(self, "summary")
