"""Admin screens of supporters' pages (editors): pages with their status and reports, the reports
themselves, and teams. Lists and inspection only; every change goes through the services on the
moderation screen (``admin_views``), so it is checked and audited."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from campaigns.admin_inspect import SiteInspectView
from campaigns.roles import EDITORS, in_role
from payments.supporters.models import SupporterPage, SupporterPageReport, Team


class EditorsReadOnly(ModelPermissionPolicy):
    """Editors list and inspect; nobody adds, changes or deletes through the generic views."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and in_role(user, EDITORS)


for _model in (SupporterPage, SupporterPageReport, Team):
    register_permission_policy(_model, EditorsReadOnly(_model))


class ModerateColumn(Column):
    def __init__(self, *args, url_name: str, attr: str = "pk", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.url_name, self.attr = url_name, attr

    def get_value(self, instance):
        return format_html('<a class="button button-small" href="{}">{}</a>',
                           reverse(self.url_name, args=[getattr(instance, self.attr)]), _("Moderate"))  # fmt: skip


class SupporterPageViewSet(ModelViewSet):
    name = "supporter_pages"
    model = SupporterPage
    icon = "user"
    menu_label = _("Supporter pages")
    list_display = ["title", "campaign", "status", DateColumn("created_at", label=_("Started")),
                    ModerateColumn("moderate", label=_("Moderate"), url_name="supporter_page_moderate")]  # fmt: skip
    list_filter = ["status", "campaign"]
    search_fields = ["title", "slug"]
    form_fields = ["title"]
    # The owner's email is not shown: editors moderate words and photos, not donors.
    inspect_view_fields = ["title", "words", "campaign", "team", "status", "goal_minor", "created_at"]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView

    def get_queryset(self, request):
        return SupporterPage.objects.select_related("campaign")


class ReportViewSet(ModelViewSet):
    name = "supporter_page_reports"
    model = SupporterPageReport
    icon = "warning"
    list_display = ["page", "reason", DateColumn("created_at", label=_("Reported")), "handled_at",
                    ModerateColumn("moderate", label=_("Moderate"), url_name="supporter_page_moderate",
                                   attr="page_id")]  # fmt: skip
    list_filter = ["reason"]
    form_fields = ["reason"]
    inspect_view_fields = ["page", "reason", "details", "created_at", "handled_at"]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView

    def get_queryset(self, request):
        return SupporterPageReport.objects.select_related("page")


class TeamViewSet(ModelViewSet):
    name = "supporter_teams"
    model = Team
    icon = "group"
    list_display = ["name", "campaign", BooleanColumn("hidden", label=_("Hidden")),
                    ModerateColumn("moderate", label=_("Moderate"), url_name="supporter_team_moderate")]  # fmt: skip
    list_filter = ["hidden", "campaign"]
    search_fields = ["name", "slug"]
    form_fields = ["name"]
    inspect_view_fields = ["name", "campaign", "hidden", "created_at"]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView

    def get_queryset(self, request):
        return Team.objects.select_related("campaign")


class SupportersGroup(ModelViewSetGroup):
    menu_label = _("Supporters")
    menu_icon = "user"
    menu_order = 280
    items = (SupporterPageViewSet, ReportViewSet, TeamViewSet)
