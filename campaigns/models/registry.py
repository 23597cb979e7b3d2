"""The registry of registered poor households (建档立卡), as imported from official exports.

Restricted data: a person's name, ID number, phone, and the township and village of the household.
They are stored so that verifiers can check a beneficiary in the admin; they never reach public
pages, URLs or logs, and are stored encrypted (``EncryptedTextField``, ADR 0306): a database dump
or backup holds only Fernet tokens. Matching uses ``id_hash``, a keyed hash (HMAC-SHA256 with
``settings.IDENTITY_HASH_KEY``) of the ID number, so a match needs the key, not a rainbow table;
a household's ``key`` is a keyed hash too.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.encryption import EncryptedTextField
from campaigns.site_time import site_datetime_text
from campaigns.templatetags.labels import bracketed_text

# Field names that hold restricted data; the admin shows them only to roles that need them.
RESTRICTED_PERSON_FIELDS = ("name", "id_number", "phone")
RESTRICTED_HOUSEHOLD_FIELDS = ("township", "village")


class RegistryStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered (在档)")
    EXITED = "exited", _("Exited poverty (已脱贫)")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household (户主)")
    SPOUSE = "spouse", _("Spouse (配偶)")
    CHILD = "child", _("Child (子女)")
    PARENT = "parent", _("Parent (父母)")
    GRANDCHILD = "grandchild", _("Grandchild (孙子女)")


class PovertyCause(models.TextChoices):
    ILLNESS = "illness", _("Illness (因病)")
    DISABILITY = "disability", _("Disability (因残)")
    SCHOOLING = "schooling", _("Schooling costs (因学)")
    DISASTER = "disaster", _("Disaster (因灾)")
    LABOUR = "labour", _("Lack of labour (缺劳力)")
    SKILLS = "skills", _("Lack of skills (缺技术)")
    CAPITAL = "capital", _("Lack of capital (缺资金)")


class SchoolStage(models.TextChoices):
    """The registry's school stages, stored as the official export writes them (``学前``...) and
    read in the staff member's language, as the other registry choices are (issue 13)."""

    PRESCHOOL = "学前", _("Pre-school (学前)")
    COMPULSORY = "义务教育", _("Compulsory education (义务教育)")
    SENIOR_HIGH = "高中", _("Senior high school (高中)")
    SECONDARY_VOCATIONAL = "中职", _("Secondary vocational school (中职)")
    HIGHER_VOCATIONAL = "高职", _("Higher vocational college (高职)")
    JUNIOR_COLLEGE = "大专", _("Junior college (大专)")
    UNDERGRADUATE = "本科", _("Undergraduate (本科)")


# The health conditions the registry exports name most often, read in the staff member's language;
# the field is free text, so any other condition reads as the registry wrote it.
HEALTH_CONDITIONS = {
    "白内障": _("Cataract (白内障)"),
    "关节炎": _("Arthritis (关节炎)"),
    "慢性肾病": _("Chronic kidney disease (慢性肾病)"),
    "高血压": _("Hypertension (高血压)"),
    "糖尿病": _("Diabetes (糖尿病)"),
}


class RegistryImport(models.Model):
    """One run of the importer: what was read, by whom, and what changed."""

    source = models.CharField(_("source"), max_length=200)
    digest = models.CharField(_("SHA-256 of the input"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    report = models.JSONField(_("report"), default=dict)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source} @ {site_datetime_text(self.imported_at)}"

    def get_report_display(self) -> str:
        """The report as labelled figures in the reader's language, not its stored keys (the admin's
        inspect view reads ``get_<field>_display``; issue 13)."""
        from campaigns.wagtail_hooks import import_report_text

        return import_report_text(self)


class RegistryHousehold(models.Model):
    """A household as the registry lists it.

    Exports reuse a household number for different households in different villages, so a
    household is identified by its number together with its county, township and village
    (ADR 0300), kept as their keyed hash in ``key`` so that no address is stored in clear.
    """

    key = models.CharField(_("key"), max_length=200, unique=True, editable=False)
    household_id = models.CharField(_("household number"), max_length=32, db_index=True)
    province = models.CharField(_("province"), max_length=50)
    city = models.CharField(_("city / prefecture"), max_length=50)
    county = models.CharField(_("county"), max_length=50, db_index=True)
    township = EncryptedTextField(_("township (restricted)"), max_length=50)
    village = EncryptedTextField(_("village (restricted)"), max_length=50)
    poverty_cause = models.CharField(_("poverty cause"), max_length=16, choices=PovertyCause.choices)
    registered_year = models.PositiveSmallIntegerField(_("registered in"))
    status = models.CharField(_("status"), max_length=16, choices=RegistryStatus.choices)
    income_per_capita_cny = models.PositiveIntegerField(_("income per capita (CNY a year)"))
    removed_at = models.DateTimeField(
        _("removed from the registry at"),
        null=True,
        blank=True,
        help_text=_("Set when a later export no longer lists the household; kept for beneficiaries."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registered household")
        verbose_name_plural = _("registered households")
        ordering = ["household_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RegistryStatus.values), name="registry_household_status_valid"
            ),
        ]

    def __str__(self) -> str:
        # No restricted data: the household id and county only.
        return bracketed_text(self.household_id, self.county)


class RegistryPerson(models.Model):
    household = models.ForeignKey(
        RegistryHousehold, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)
    name = EncryptedTextField(_("name (restricted)"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=[("F", _("Female")), ("M", _("Male"))])
    id_number = EncryptedTextField(_("ID number (restricted)"), max_length=18)
    id_hash = models.CharField(_("keyed hash of the ID number"), max_length=64, unique=True)
    birth_date = models.DateField(_("date of birth"))
    phone = EncryptedTextField(_("phone (restricted)"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RegistryStatus.choices)
    health_condition = models.CharField(_("health condition"), max_length=50, blank=True)
    school_stage = models.CharField(_("school stage"), max_length=20, blank=True, choices=SchoolStage.choices)
    removed_at = models.DateTimeField(_("removed from the registry at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registered person")
        verbose_name_plural = _("registered people")
        ordering = ["household_id", "id"]
        permissions = [("view_restricted_registry", _("Can see restricted registry data"))]

    def __str__(self) -> str:
        return f"{self.household.household_id} · {self.get_relation_display()}"

    def get_health_condition_display(self) -> str:
        """The health condition in the reader's language when it is one the registry names often
        (``HEALTH_CONDITIONS``), else as the registry wrote it, marked "(written in Chinese)" for
        an English reader (``campaigns.reader_language.written_plain``)."""
        from campaigns.reader_language import written_plain

        known = HEALTH_CONDITIONS.get(self.health_condition)
        return str(known) if known else written_plain(self.health_condition)
