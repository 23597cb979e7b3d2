"""Admin list of disputes (chargebacks), read-only: what finance must answer at the bank and, for
gifts already released to a partner, what the platform fronted and must recover (``to recover``,
from the ledger's platform receivable legs of the dispute's entries). ADR 0208."""

from django.db.models import OuterRef, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.admin_inspect import SiteInspectView
from campaigns.admin_names import TitledByMenuLabel
from payments.disputes.models import Dispute
from payments.refunds.provider_admin import MoneyColumn, fronted_by_platform


class DisputeIndexView(IndexView):
    """Open disputes first, then what each left to recover."""

    default_ordering = ["status", "-to_recover_minor", "-created_at"]

    def get_base_queryset(self):
        # Net of the dispute's entries (opened fronts, won gives back).
        prefix = Concat(Value("dispute:"), OuterRef("provider_dispute_id"), Value(":"))
        return Dispute.objects.select_related("donation").annotate(
            to_recover_minor=fronted_by_platform(entry__key__startswith=prefix)
        )


class DisputeViewSet(TitledByMenuLabel, ModelViewSet):
    name = "disputes"
    model = Dispute
    icon = "warning"
    menu_label = _("Disputes (chargebacks)")
    list_display = [MoneyColumn("amount_minor", label=_("Amount")),
                    MoneyColumn("to_recover_minor", label=_("To recover")), Column("donation", label=_("Gift")), "status", "reason",
                    DateColumn("created_at", label=_("Opened")), DateColumn("closed_at", label=_("Closed"))]  # fmt: skip
    list_filter = ["status"]
    form_fields = []  # written only by payments.disputes.services
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView

    index_view_class = DisputeIndexView
