"""Admin screens of the verification area: registry, beneficiaries, milestones, needs, audit log.

Viewsets list and inspect records; the state changes go through the verify screens
(``campaigns.verification.admin_views``), which call services. Restricted registry fields are
shown only to users ``may_view_restricted`` allows (verifiers, finance officers).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import CreateView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from campaigns.admin_inspect import SiteInspectView
from campaigns.admin_names import TitledByMenuLabel, reader_column
from campaigns.amount_input import MAX_INPUT_LENGTH, AmountNotUnderstood, parse_amount
from campaigns.models import Beneficiary, Grant, Milestone, Need, RegistryImport, RegistryPerson
from campaigns.models.registry import RESTRICTED_HOUSEHOLD_FIELDS, RESTRICTED_PERSON_FIELDS
from campaigns.registry.provinces import province_in_reader_language
from campaigns.services import english_texts_set
from campaigns.verification import admin_views, grant_views, need_views
from campaigns.verification.beneficiaries import beneficiary_create
from campaigns.verification.milestones import milestone_create
from campaigns.verification.needs import need_post
from campaigns.verification.permissions import is_field_officer, is_verifier, may_view_restricted


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The registry changes only through imports: list and inspect, nothing else."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and super().user_has_permission(user, "view")


class CreateOnlyPolicy(ModelPermissionPolicy):
    """Created through a service; afterwards changed only by the verify screens (services)."""

    def user_has_permission(self, user, action):
        if action in ("change", "delete"):
            return False
        return super().user_has_permission(user, "view" if action == "inspect" else action)


class KeepPolicy(ModelPermissionPolicy):
    """Editable (story, consent, photo) but never deleted: releases and the trace point at it."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


register_permission_policy(RegistryPerson, ReadOnlyPolicy(RegistryPerson))
register_permission_policy(RegistryImport, ReadOnlyPolicy(RegistryImport))
register_permission_policy(Milestone, CreateOnlyPolicy(Milestone))
register_permission_policy(Need, CreateOnlyPolicy(Need))
register_permission_policy(Grant, CreateOnlyPolicy(Grant))
register_permission_policy(Beneficiary, KeepPolicy(Beneficiary))


class AmountEntryForm(WagtailAdminModelForm):
    """Amounts as the people who type them think of them: 3000 means ¥3,000, not 3000 fen.

    Read by ``parse_amount`` (ADR 0005) once the currency field is known, so "1,000" and "１０００元"
    work here as on the donation form, and "1e5", "1_000" or "١٠٠" are refused as they are there.
    """

    amount = forms.CharField(
        label=_("Amount"),
        max_length=MAX_INPUT_LENGTH,
        help_text=_("In the currency chosen below, e.g. 3000 for ¥3,000."),
    )

    def clean(self):
        data = super().clean()
        if data.get("amount") and data.get("currency"):
            try:
                amount = parse_amount(data["amount"], currency=data["currency"])
            except AmountNotUnderstood as error:
                self.add_error("amount", error.as_validation_error())
                return data
            if amount.amount <= 0:
                self.add_error("amount", _("The amount must be more than zero."))
            else:
                data["amount"] = amount
        return data


class AmountEntryViewSetMixin:
    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=AmountEntryForm,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.form_fields,
        )


class ServiceCreateView(CreateView):
    """Saves through ``create(request, data)`` (a service call, audited); shows its refusals on the form."""

    def create(self, request, data):  # pragma: no cover - overridden
        raise NotImplementedError

    def save_instance(self):
        data = self.form.cleaned_data
        instance = self.create(self.request, data)
        # English twins of the public texts typed in the same form (ADR 0403).
        english = {
            name.removesuffix("_en"): value for name, value in data.items() if name.endswith("_en") and value
        }
        if english:
            english_texts_set(actor=self.request.user, record=instance, texts=english)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class BeneficiaryCreateView(ServiceCreateView):
    def create(self, request, data):
        return beneficiary_create(actor=request.user, campaign=data["campaign"], pseudonym=data["pseudonym"],
                                  story=data["story"], story_consent=data["story_consent"], photo=data["photo"],
                                  photo_consent=data["photo_consent"])  # fmt: skip


class MilestoneCreateView(ServiceCreateView):
    def create(self, request, data):
        return milestone_create(actor=request.user, beneficiary=data["beneficiary"], kind=data["kind"],
                                title=data["title"], partner=data["partner"], due_date=data["due_date"],
                                amount=data["amount"])  # fmt: skip


class NeedCreateView(ServiceCreateView):
    def create(self, request, data):
        return need_post(actor=request.user, beneficiary=data["beneficiary"], title=data["title"],
                         kind=data["kind"], amount=data["amount"], description=data["description"],
                         partner=data["partner"])  # fmt: skip


class RestrictedInspectView(SiteInspectView):
    """Shows restricted registry fields only to users who may see them."""

    def get_fields(self):
        fields = super().get_fields()
        if may_view_restricted(self.request.user):
            return fields
        return [f for f in fields if f not in RESTRICTED_PERSON_FIELDS and f != "id_hash"]


class RegistryIndexView(IndexView):
    """The registry listing never loads (so never decrypts) a restricted field, whoever looks."""

    def get_base_queryset(self):
        restricted = [*RESTRICTED_PERSON_FIELDS, *(f"household__{f}" for f in RESTRICTED_HOUSEHOLD_FIELDS)]
        return super().get_base_queryset().select_related("household").defer(*restricted)


class RegistryPersonViewSet(ModelViewSet):
    name = "registry"
    model = RegistryPerson
    icon = "group"
    list_display = [
        Column("household", label=_("Household")),
        "relation",
        "gender",
        "status",
        Column("health_condition", label=_("Health condition"), accessor="get_health_condition_display"),
        Column("school_stage", label=_("School stage"), accessor="get_school_stage_display"),
        "removed_at",
    ]
    list_filter = ["status", "relation", "household__county"]
    # Never search by ID number or phone: the query would end up in the URL.
    search_fields = ["household__household_id"]
    index_view_class = RegistryIndexView
    inspect_view_enabled = True
    inspect_view_class = RestrictedInspectView
    inspect_view_fields = ["household", "relation", "gender", "birth_date", "status", "health_condition",
                           "school_stage", "removed_at", *RESTRICTED_PERSON_FIELDS]  # fmt: skip
    form_fields = ["relation", "health_condition", "school_stage"]


IMPORT_FIGURES = {
    "households_added": _("Households added"),
    "households_changed": _("Households changed"),
    "households_removed": _("Households removed"),
    "households_exited": _("Households exited poverty"),
    "heads_changed_phone": _("Heads with a new phone"),
    "people_added": _("People added"),
    "people_changed": _("People changed"),
    "people_removed": _("People removed"),
}


def import_report_text(registry_import: RegistryImport) -> str:
    """A registry import's report as labelled figures in the reader's language ("新增人员：8482 ·
    …"), the figures that are not zero; a key without a label reads as its words (issue 13)."""
    from campaigns.templatetags.labels import label_value

    figures = [
        label_value(IMPORT_FIGURES.get(key, key.replace("_", " ")), value)
        for key, value in (registry_import.report or {}).items()
        if isinstance(value, int) and value
    ]
    return " · ".join(figures) if figures else str(_("No changes"))


class RegistryImportViewSet(ModelViewSet):
    name = "registry_imports"
    model = RegistryImport
    icon = "download"
    list_display = [
        "source",
        "imported_at",
        "rows",
        Column("report", label=_("Changes"), accessor=import_report_text),
    ]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView
    form_fields = []


def _verify_url(beneficiary):
    return reverse("verification_beneficiary_verify", args=[beneficiary.pk])


class ScreenTitleColumn(TitleColumn):
    """A title that links to its record's own screen only for those ``may_open`` lets in; others get
    ``fallback_url`` (the inspect view) or plain text, not a link to "no permission" (issue 13: a
    finance officer clicking a beneficiary landed on the dashboard with a red banner)."""

    def __init__(self, *args, may_open, fallback_url=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.may_open = may_open
        self.fallback_url = fallback_url

    def get_link_url(self, instance, parent_context):
        request = parent_context.get("request")
        if request is not None and self.may_open(request.user, instance):
            return super().get_link_url(instance, parent_context)
        return self.fallback_url(instance) if self.fallback_url else None


class BeneficiaryViewSet(ModelViewSet):
    name = "beneficiaries"
    model = Beneficiary
    icon = "user"
    menu_label = _("Beneficiaries")
    list_display = [reader_column(Beneficiary, "pseudonym", ScreenTitleColumn, label=_("Pseudonym"),
                                  get_url=_verify_url, may_open=lambda user, _b: is_verifier(user)),
                    "campaign", "status", reader_column(Beneficiary, "county"), "age_band", DateColumn("verified_at", label=_("Verified on")),
                    DateColumn("funded_at", label=_("Funded"))]  # fmt: skip
    list_filter = ["status", "campaign"]
    search_fields = ["pseudonym"]
    form_fields = ["campaign", "pseudonym", "pseudonym_en", "county_en", "story", "story_en", "story_consent",
                   "photo", "photo_consent"]  # fmt: skip
    add_view_class = BeneficiaryCreateView


class MilestoneViewSet(AmountEntryViewSetMixin, ModelViewSet):
    name = "outcomes"
    model = Milestone
    icon = "tick-inverse"
    menu_label = _("Outcomes")
    list_display = [ScreenTitleColumn("kind", label=_("Outcome"), accessor="get_kind_display",
                                      get_url=lambda m: reverse("verification_milestone_verify", args=[m.pk]),
                                      may_open=lambda user, _m: is_verifier(user),
                                      fallback_url=lambda m: reverse("outcomes:inspect", args=[m.pk])),
                    Column("beneficiary", label=_("Beneficiary")), Column("partner", label=_("Partner")),
                    Column("amount", label=_("Amount")), "due_date", "status"]  # fmt: skip
    list_filter = ["status", "kind"]
    form_fields = ["beneficiary", "kind", "title", "title_en", "amount", "currency", "partner", "due_date"]
    add_view_class = MilestoneCreateView
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView


class NeedViewSet(TitledByMenuLabel, AmountEntryViewSetMixin, ModelViewSet):
    name = "needs"
    model = Need
    icon = "pick"
    menu_label = _("Needs board")
    list_display = [reader_column(Need, "title", ScreenTitleColumn, label=_("What is needed"),
                                      get_url=lambda n: reverse("verification_need_review", args=[n.pk]),
                                      may_open=lambda user, need: need_views.may_see_need(user, need),
                                      fallback_url=lambda n: reverse("needs:inspect", args=[n.pk])),
                    Column("beneficiary", label=_("Beneficiary")), "kind", Column("amount", label=_("Amount")),
                    Column("province", label=capfirst(Need._meta.get_field("province").verbose_name),
                           accessor=lambda n: str(province_in_reader_language(n.province))),
                    reader_column(Need, "county"), "status"]  # fmt: skip
    list_filter = ["status", "kind", "province"]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView
    form_fields = ["beneficiary", "title", "title_en", "description", "description_en", "kind", "amount", "currency",
                   "partner"]  # fmt: skip
    add_view_class = NeedCreateView


class GrantCreateView(CreateView):
    """A grant and its schedule are drawn up together on their own screen (``grant_views``)."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("verification_grant_create")


class GrantViewSet(ModelViewSet):
    name = "grants"
    model = Grant
    icon = "list-ol"
    menu_label = _("Staged grants")
    list_display = [reader_column(Grant, "title", TitleColumn, label=_("Title"),
                                get_url=lambda g: reverse("verification_grant_detail", args=[g.pk])),
                    "beneficiary", Column("amount", label=_("Amount")), "stage_count", DateColumn("created_at", label=_("Created"))]  # fmt: skip
    form_fields = ["title"]
    add_view_class = GrantCreateView


class VerificationGroup(ModelViewSetGroup):
    menu_label = _("Verification")
    menu_icon = "tick-inverse"
    menu_order = 250
    # The audit log is listed once, read-only, under Campaigns (cms/wagtail_hooks.py).
    items = (BeneficiaryViewSet, MilestoneViewSet, GrantViewSet, NeedViewSet, RegistryPersonViewSet,
             RegistryImportViewSet)  # fmt: skip


@hooks.register("insert_global_admin_css")
def admin_css() -> str:
    """Styles for the forms Django draws on Clearfund's admin screens (``static/css/admin.css``)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("register_admin_viewset")
def register_verification_viewsets():
    return VerificationGroup()


@hooks.register("register_admin_urls")
def register_verification_urls():
    return [
        path("verification/needs/post/", need_views.field_need_post_view, name="verification_need_post"),
        path("verification/needs/<int:pk>/review/", need_views.need_review_view, name="verification_need_review"),
        path("verification/beneficiary/<int:pk>/verify/", admin_views.beneficiary_verify_view,
             name="verification_beneficiary_verify"),
        path("verification/milestone/<int:pk>/verify/", admin_views.milestone_verify_view,
             name="verification_milestone_verify"),
        path("verification/grants/new/", grant_views.grant_create_view, name="verification_grant_create"),
        path("verification/grants/<int:pk>/", grant_views.grant_detail_view, name="verification_grant_detail"),
    ]  # fmt: skip


class FieldOfficerMenuItem(MenuItem):
    """Field officers (and verifiers) post needs from a phone."""

    def is_shown(self, request):
        return is_field_officer(request.user) or is_verifier(request.user)


@hooks.register("register_admin_menu_item")
def register_field_officer_menu_item():
    return FieldOfficerMenuItem(
        _("Post a need"), reverse("verification_need_post"), icon_name="pick", order=240
    )
