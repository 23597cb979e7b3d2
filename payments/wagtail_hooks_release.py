"""Admin screens of releases, reconciliation results (imported by ``payments.wagtail_hooks``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from payments.admin_views_release import release_detail_view
from payments.models import ReconciliationRun, Release, UnmatchedItem


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Changed only by services (release screen, reconciliation job): list and inspect only."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and super().user_has_permission(user, "view")


for _model in (Release, ReconciliationRun, UnmatchedItem):
    register_permission_policy(_model, ReadOnlyPolicy(_model))


class ReleaseViewSet(ModelViewSet):
    name = "releases"
    model = Release
    icon = "resubmit"
    menu_label = _("Releases")
    list_display = [TitleColumn("amount", label=_("Amount"),
                                get_url=lambda r: reverse("release_detail", args=[r.pk])),
                    "partner", "campaign", "status", DateColumn("notice_ends_at", label=_("Notice ends")),
                    DateColumn("approved_at", label=_("Approved")), DateColumn("paid_at", label=_("Paid"))]  # fmt: skip
    list_filter = ["status", "campaign", "partner"]
    form_fields = []  # state changes only through the release screen (services)


class ReconciliationRunViewSet(ModelViewSet):
    name = "reconciliation_runs"
    model = ReconciliationRun
    icon = "list-ul"
    menu_label = _("Reconciliation runs")
    list_display = ["started_at", "provider_transactions", "matched", "unmatched_provider", "unmatched_ledger",
                    "error"]  # fmt: skip
    form_fields = []


class UnmatchedItemViewSet(ModelViewSet):
    name = "unmatched"
    model = UnmatchedItem
    icon = "warning"
    menu_label = _("Unmatched with the provider")
    list_display = ["run", "side", "reference", "kind", "amount_minor", "currency", "note"]
    list_filter = ["side", "kind"]
    search_fields = ["reference"]
    form_fields = []


class ReleaseGroup(ModelViewSetGroup):
    menu_label = _("Releases")
    menu_icon = "resubmit"
    menu_order = 260
    items = (ReleaseViewSet, ReconciliationRunViewSet, UnmatchedItemViewSet)


@hooks.register("register_admin_viewset")
def register_release_viewsets():
    return ReleaseGroup()


@hooks.register("register_admin_urls")
def register_release_urls():
    return [path("releases/<int:pk>/", release_detail_view, name="release_detail")]
