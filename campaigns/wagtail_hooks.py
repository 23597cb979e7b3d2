"""Admin screens of the verification area: registry, beneficiaries, milestones, needs, audit log.

Viewsets list and inspect records; the state changes go through the verify screens
(``campaigns.verification.admin_views``), which call services. Restricted registry fields are
shown only to users ``may_view_restricted`` allows (verifiers, finance officers).
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from campaigns.models import Beneficiary, Milestone, Need, RegistryImport, RegistryPerson
from campaigns.models.registry import RESTRICTED_PERSON_FIELDS
from campaigns.verification import admin_views
from campaigns.verification.permissions import may_view_restricted


class RestrictedInspectView(InspectView):
    """Shows restricted registry fields only to users who may see them."""

    def get_fields(self):
        fields = super().get_fields()
        if may_view_restricted(self.request.user):
            return fields
        return [f for f in fields if f not in RESTRICTED_PERSON_FIELDS and f != "id_hash"]


class RegistryPersonViewSet(ModelViewSet):
    name = "registry"
    model = RegistryPerson
    icon = "group"
    menu_label = _("Registry")
    list_display = [
        "household",
        "relation",
        "gender",
        "status",
        "health_condition",
        "school_stage",
        "removed_at",
    ]
    list_filter = ["status", "relation", "household__county"]
    # Never search by ID number or phone: the query would end up in the URL.
    search_fields = ["household__household_id"]
    inspect_view_enabled = True
    inspect_view_class = RestrictedInspectView
    inspect_view_fields = ["household", "relation", "gender", "birth_date", "status", "health_condition",
                           "school_stage", "removed_at", *RESTRICTED_PERSON_FIELDS]  # fmt: skip
    form_fields = ["relation", "health_condition", "school_stage"]


class RegistryImportViewSet(ModelViewSet):
    name = "registry_imports"
    model = RegistryImport
    icon = "download"
    menu_label = _("Registry imports")
    list_display = ["source", "imported_at", "rows", Column("report", label=_("Changes"))]
    inspect_view_enabled = True
    form_fields = []


def _verify_url(beneficiary):
    return reverse("verification_beneficiary_verify", args=[beneficiary.pk])


class BeneficiaryViewSet(ModelViewSet):
    name = "beneficiaries"
    model = Beneficiary
    icon = "user"
    menu_label = _("Beneficiaries")
    list_display = [TitleColumn("pseudonym", label=_("Pseudonym"), get_url=_verify_url), "campaign", "status",
                    "county", "age_band", DateColumn("verified_at", label=_("Verified")),
                    DateColumn("funded_at", label=_("Funded"))]  # fmt: skip
    list_filter = ["status", "campaign"]
    search_fields = ["pseudonym"]
    form_fields = ["campaign", "pseudonym", "story", "story_consent", "photo", "photo_consent"]


class MilestoneViewSet(ModelViewSet):
    name = "outcomes"
    model = Milestone
    icon = "tick-inverse"
    menu_label = _("Outcomes")
    list_display = [TitleColumn("kind", label=_("Outcome"),
                                get_url=lambda m: reverse("verification_milestone_verify", args=[m.pk])),
                    "beneficiary", "partner", "amount", "due_date", "status"]  # fmt: skip
    list_filter = ["status", "kind"]
    form_fields = ["beneficiary", "kind", "title", "amount_minor", "currency", "partner", "due_date"]


class NeedViewSet(ModelViewSet):
    name = "needs"
    model = Need
    icon = "pick"
    menu_label = _("Needs board")
    list_display = ["title", "beneficiary", "kind", "amount", "province", "county", "status"]
    list_filter = ["status", "kind", "province"]
    inspect_view_enabled = True
    form_fields = ["title", "kind"]


class VerificationGroup(ModelViewSetGroup):
    menu_label = _("Verification")
    menu_icon = "tick-inverse"
    menu_order = 250
    # The audit log is listed once, read-only, under Campaigns (cms/wagtail_hooks.py).
    items = (BeneficiaryViewSet, MilestoneViewSet, NeedViewSet, RegistryPersonViewSet, RegistryImportViewSet)


@hooks.register("register_admin_viewset")
def register_verification_viewsets():
    return VerificationGroup()


@hooks.register("register_admin_urls")
def register_verification_urls():
    return [
        path("verification/beneficiary/<int:pk>/verify/", admin_views.beneficiary_verify_view,
             name="verification_beneficiary_verify"),
        path("verification/milestone/<int:pk>/verify/", admin_views.milestone_verify_view,
             name="verification_milestone_verify"),
    ]  # fmt: skip
