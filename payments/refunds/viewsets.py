"""Admin list of refunds, read-only (grouped in the menu by ``payments.wagtail_hooks``): finance sees
each refund's state and, for one the provider refused, its reason."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.admin_inspect import SiteInspectView
from payments.refunds.models import Refund


class RefundIndexView(IndexView):
    def get_base_queryset(self):
        # Each row names its gift's campaign: one query for the page, not one per row.
        return super().get_base_queryset().select_related("donation__campaign")


class RefundViewSet(ModelViewSet):
    index_view_class = RefundIndexView
    name = "refunds"
    model = Refund
    icon = "undo"
    menu_label = _("Refunds")
    list_display = [
        Column("amount", label=_("Amount")),
        "donation",
        "status",
        "failure_message",
        DateColumn("created_at", label=_("Asked")),
        DateColumn("completed_at", label=_("Done at")),
    ]
    list_filter = ["status"]
    form_fields = []  # state changes only through the refund services
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView  # site time, money, no internal fields (issue 13)
