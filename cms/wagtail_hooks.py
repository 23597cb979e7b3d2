"""Admin wiring: campaign/partner/audit viewsets and the page hooks that create campaign records."""

import copy

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from campaigns.admin_inspect import SiteInspectView
from campaigns.admin_names import ReaderIndexView, TitledByMenuLabel
from campaigns.audit_details import audit_details_html
from campaigns.audit_labels import audit_action_label, audit_subject_label
from campaigns.models import AuditEvent, Campaign, Partner
from campaigns.person_names import user_name
from cms import workflow_names
from cms.services import (
    approval_message,
    campaign_page_ensure_record,
    check_copy_publication,
    check_direct_publication,
    check_may_unpublish,
)


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Records that change only through services: the admin may list and inspect them, nothing else."""

    def user_has_permission(self, user, action):
        if action not in ("view", "inspect"):
            return False
        return super().user_has_permission(user, "view")


register_permission_policy(Campaign, ViewOnlyPolicy(Campaign))
register_permission_policy(AuditEvent, ViewOnlyPolicy(AuditEvent))


class CampaignViewSet(TitledByMenuLabel, ModelViewSet):
    model = Campaign
    icon = "clipboard-list"
    menu_label = _("Campaign records")
    index_view_class = ReaderIndexView  # titles in the staff member's language
    list_display = [
        "title",
        "kind",
        "status",
        Column("goal", label=_("Goal")),
        "deadline",
    ]
    list_filter = ["status", "kind", "funding_model"]
    search_fields = ["title", "region"]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView
    inspect_view_fields = [
        "title", "kind", "status", "region", "currency", "goal", "unit_cost", "unit_label",
        "deadline", "funding_model", "partners", "created_at", "updated_at",
    ]  # fmt: skip
    copy_view_enabled = False
    form_fields = ["title"]  # required by ModelViewSet; the policy denies add and edit


class PartnerViewSet(ModelViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partners")
    form_fields = [
        "name",
        "name_en",
        "kind",
        "region",
        "region_en",
        "description",
        "description_en",
        "website",
    ]
    index_view_class = ReaderIndexView  # names and regions in the staff member's language
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "region"]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView
    inspect_view_fields = ["name", "kind", "region", "description", "website"]


def _audit_action_choices() -> list[tuple[str, str]]:
    codes = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return sorted(((code, audit_action_label(code)) for code in codes), key=lambda choice: choice[1])


def _audit_subject_choices() -> list[tuple[str, str]]:
    types = AuditEvent.objects.order_by().values_list("subject_type", flat=True).distinct()
    return sorted(((t, audit_subject_label(t)) for t in types), key=lambda choice: choice[1])


class AuditEventFilterSet(WagtailFilterSet):
    """The filter sidebar offers the actions and subjects found in the log, by their labels
    ("微心愿：已审核"), never their codes ("need.vetted"); the query still filters on the code."""

    action = django_filters.ChoiceFilter(label=_("Action"), choices=_audit_action_choices)
    subject_type = django_filters.ChoiceFilter(label=_("Subject"), choices=_audit_subject_choices)

    class Meta:
        model = AuditEvent
        fields = ["action", "subject_type"]


class AuditEventInspectView(SiteInspectView):
    def get_data_display_value(self):
        """The details as a labelled list in the staff member's language, never a Python dict."""
        return audit_details_html(self.object, user=self.request.user)


class AuditEventIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("actor")  # one query for the actor column


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    index_view_class = AuditEventIndexView
    icon = "history"
    menu_label = _("Audit log")
    list_display = [
        "at",
        Column("action", label=_("Action"), accessor=lambda e: audit_action_label(e.action)),
        Column("subject_type", label=_("Subject"), accessor=lambda e: audit_subject_label(e.subject_type)),
        "subject_id",
        Column(
            "actor",
            label=capfirst(AuditEvent._meta.get_field("actor").verbose_name),
            accessor=lambda e: user_name(e.actor) or "—",
        ),  # the name ("王芳"), not the login
    ]
    filterset_class = AuditEventFilterSet
    search_fields = ["action", "subject_id", "reason"]
    inspect_view_enabled = True
    inspect_view_class = AuditEventInspectView
    inspect_view_fields = ["at", "actor", "action", "subject_type", "subject_id", "reason", "data"]
    copy_view_enabled = False
    form_fields = ["reason"]  # required by ModelViewSet; the policy denies add and edit


class CampaignAdminGroup(ModelViewSetGroup):
    menu_label = _("Campaigns")
    menu_icon = "doc-full-inverse"
    menu_order = 150
    items = (CampaignViewSet("campaign_records"), PartnerViewSet("partners"), AuditEventViewSet("audit_log"))


@hooks.register("register_admin_viewset")
def register_campaign_admin():
    return CampaignAdminGroup()


@hooks.register("after_create_page")
def create_campaign_record(request, page):
    """One flow for editors: the Campaign (a draft) is created with its page."""
    campaign_page_ensure_record(page=page.specific, actor=request.user)


@hooks.register("after_copy_page")
def create_campaign_record_for_copy(request, page, new_page):
    """A copied campaign page is a new campaign: it gets its own draft record."""
    campaign_page_ensure_record(page=new_page.specific, actor=request.user)


def _refused(request, error: PermissionDenied, *, back: str):
    messages.error(request, str(error))
    return redirect(get_valid_next_url_from_request(request) or back)


@hooks.register("before_publish_page")
def refuse_publishing_campaign_pages_outside_review(request, page):
    """Publish button, create-and-publish: a campaign page goes live only through review (ADR 0103)."""
    try:
        check_direct_publication(page=page.specific)
    except PermissionDenied as error:
        return _refused(request, error, back=reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return None


@hooks.register("before_copy_page")
def refuse_live_copies_of_campaign_pages(request, page):
    """Copy with "publish copies", or as an alias: refused for campaign pages (ADR 0103)."""
    if request.method != "POST":
        return None
    try:
        check_copy_publication(
            page=page,
            live=bool(request.POST.get("publish_copies") or request.POST.get("alias")),
            subpages=bool(request.POST.get("copy_subpages")),
        )
    except PermissionDenied as error:
        return _refused(request, error, back=reverse("wagtailadmin_pages:copy", args=[page.pk]))
    return None


@hooks.register("before_unpublish_page")
def refuse_unpublishing_a_campaign_taking_gifts(request, page):
    try:
        check_may_unpublish(page=page.specific)
    except PermissionDenied as error:
        return _refused(request, error, back=reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return None


@hooks.register("before_delete_page")
def refuse_deleting_a_campaign_taking_gifts(request, page):
    # Deleting takes the page offline as unpublishing does: the same rule (ADR 0103).
    try:
        check_may_unpublish(page=page.specific)
    except PermissionDenied as error:
        return _refused(request, error, back=reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_campaign_pages(request, action_type, objects, action_class_instance):
    """Bulk publish, unpublish and delete follow the same rules as the page's own buttons."""
    checks = {
        "publish": check_direct_publication,
        "unpublish": check_may_unpublish,
        "delete": check_may_unpublish,
    }
    check = checks.get(action_type)
    if check is None:
        return None
    for obj in objects:
        if not isinstance(obj, Page):
            continue
        try:
            check(page=obj.specific)
        except PermissionDenied as error:
            return _refused(request, error, back=reverse("wagtailadmin_explore_root"))
    return None


def _posted_workflow_action(request) -> str | None:
    if request.method != "POST" or "action-workflow-action" not in request.POST:
        return None
    return request.POST.get("workflow-action-name") or None


def _may_explore(user, page: Page) -> bool:
    from wagtail.permission_policies.pages import PagePermissionPolicy

    return PagePermissionPolicy().explorable_instances(user).filter(pk=page.pk).exists()


@hooks.register("after_edit_page")
def land_reviewers_where_they_may_be(request, page):
    """After an approval or a saved draft, a verifier goes somewhere they may see (issue 12).

    Wagtail sends a reviewer who approved from the edit view to the parent page's explorer, which
    a verifier (review rights only, no page permissions) may not open: they saw "no permission"
    on the dashboard. They now land on ``next`` or the dashboard, told the page was approved. A
    verifier who saves a draft of a page in review becomes one of its authors, so may no longer
    review or edit it (``check_may_approve_page``): they are told so instead of being sent back
    to an edit view that refuses them without a reason."""
    from cms.services import review_refusal_reason

    user = request.user
    page = Page.objects.get(pk=page.pk).specific
    action = _posted_workflow_action(request)
    if action == "approve":
        messages.success(request, approval_message(page=page))
        next_url = get_valid_next_url_from_request(request)
        if next_url:
            return redirect(next_url)
        parent = page.get_parent()
        if parent is not None and _may_explore(user, parent):
            return None
        return redirect("wagtailadmin_home")
    if action is None and request.method == "POST" and not page.permissions_for_user(user).can_edit():
        reason = review_refusal_reason(page=page, actor=user)
        if reason:
            messages.warning(request, reason)
        return redirect(get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))
    return None


def _workflow_titles_shown(data):
    """A workflow log entry's data with each workflow and task title (``{"id", "title"}``) in the
    reader's language: Wagtail stores the name as it was shown to whoever acted ("核查员审核")."""
    if isinstance(data, dict):
        shown = {key: _workflow_titles_shown(value) for key, value in data.items()}
        if isinstance(shown.get("title"), str) and "id" in shown:
            shown["title"] = workflow_names.name_shown(workflow_names.name_stored(shown["title"]))
        return shown
    return data


def _titles_in_reader_language(format_message):
    def format_message_shown(log_entry):
        shown = copy.copy(log_entry)
        shown.data = _workflow_titles_shown(log_entry.data)
        return format_message(shown)

    format_message_shown.shown = True
    return format_message_shown


@hooks.register("register_log_actions", order=100)  # after Wagtail's own formatters
def workflow_history_in_reader_language(actions):
    """Page and site history read "Approved at 'Verifier review'" for an English reader of an
    approval a Chinese reviewer made, and "核查员审核" for a Chinese one (issue 13, ADR 0405)."""
    for action, formatter in actions.formatters.items():
        if action.startswith("wagtail.workflow.") and not hasattr(formatter.format_message, "shown"):
            formatter.format_message = _titles_in_reader_language(formatter.format_message)


@hooks.register("construct_help_menu")
def keep_help_on_this_site(request, menu_items):
    """Wagtail's "What's new in Wagtail 8.0" and "Editor Guide" lead to wagtail.org, in English only,
    and the first is labelled once per process in whatever language was active (a Chinese label on
    an English admin, issue 13): Clearfund's staff get the keyboard shortcuts only."""
    menu_items[:] = [
        item for item in menu_items if item.name != "editor-guide" and not item.name.startswith("whats-new")
    ]
