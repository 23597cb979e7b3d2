"""Admin list of balance alerts, read-only: a kept balance that disagreed with its postings
(``payments.figures.balance_check``). While one is open, releases from that account are refused;
finance reads here what was found and closes it with ``balance_drift_resolve`` once it knows why.
ADR 0211."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.admin_inspect import SiteInspectView
from payments.ledger.models import BalanceDrift


class BalanceDriftViewSet(ModelViewSet):
    name = "balance_alerts"
    model = BalanceDrift
    icon = "warning"
    menu_label = _("Balance alerts")
    list_display = ["account", "family", "kept_minor", "posted_minor", DateColumn("found_at", label=_("Found")),
                    DateColumn("resolved_at", label=_("Resolved")), "resolution"]  # fmt: skip
    list_filter = ["resolved_at"]
    form_fields = []  # written only by payments.figures.balance_check
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView
