"""Wagtail admin hooks of the payments app. Each concept registers its own screens; this module
gathers the release, reconciliation and webhook inbox lists under one menu and makes them read-only."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from payments.disputes.models import Dispute
from payments.disputes.viewsets import DisputeViewSet
from payments.exports import wagtail_hooks as exports_hooks  # noqa: F401
from payments.ledger.models import BalanceDrift
from payments.ledger.viewsets import BalanceDriftViewSet
from payments.matching import wagtail_hooks as matching_hooks  # noqa: F401
from payments.offline import wagtail_hooks as offline_hooks  # noqa: F401
from payments.partners import wagtail_hooks as partners_hooks  # noqa: F401
from payments.reconciliation.models import ReconciliationRun, UnmatchedItem
from payments.reconciliation.viewsets import ReconciliationRunViewSet, UnmatchedItemViewSet
from payments.refunds import wagtail_hooks as refunds_hooks  # noqa: F401
from payments.refunds.models import Refund
from payments.refunds.provider_admin import ProviderRefundViewSet
from payments.refunds.viewsets import RefundViewSet
from payments.releases import wagtail_hooks as releases_hooks
from payments.releases.models import Release
from payments.supporters import wagtail_hooks as supporters_hooks  # noqa: F401
from payments.webhooks.models import WebhookEvent
from payments.webhooks.viewsets import WebhookEventViewSet


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Changed only by services (release screen, reconciliation job): list and inspect only."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and super().user_has_permission(user, "view")


for _model in (Release, ReconciliationRun, UnmatchedItem, WebhookEvent, Refund, Dispute, BalanceDrift):
    register_permission_policy(_model, ReadOnlyPolicy(_model))


class ReleaseGroup(ModelViewSetGroup):
    menu_label = _("Releases")
    menu_icon = "resubmit"
    menu_order = 260
    items = (
        releases_hooks.ReleaseViewSet,
        RefundViewSet,
        ReconciliationRunViewSet,
        UnmatchedItemViewSet,
        WebhookEventViewSet,
        ProviderRefundViewSet,
        DisputeViewSet,
        BalanceDriftViewSet,
    )


@hooks.register("register_admin_viewset")
def register_release_viewsets():
    return ReleaseGroup()
