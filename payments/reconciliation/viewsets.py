"""Admin lists of reconciliation runs and of what did not match (grouped in the menu by
``payments.wagtail_hooks``)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.admin_names import TitledByMenuLabel
from payments.reconciliation.models import ReconciliationRun, UnmatchedItem


class ReconciliationRunViewSet(ModelViewSet):
    name = "reconciliation_runs"
    model = ReconciliationRun
    icon = "list-ul"
    menu_label = _("Reconciliation runs")
    list_display = ["started_at", "provider_transactions", "matched", "unmatched_provider", "unmatched_ledger",
                    "error"]  # fmt: skip
    form_fields = []


class UnmatchedItemViewSet(TitledByMenuLabel, ModelViewSet):
    name = "unmatched"
    model = UnmatchedItem
    icon = "warning"
    menu_label = _("Unmatched with the provider")
    list_display = ["run", "side", "reference", "kind", Column("amount", label=_("Amount")), "note"]
    list_filter = ["side", "kind"]
    search_fields = ["reference"]
    form_fields = []
