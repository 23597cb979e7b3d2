"""Admin list of refunds, read-only (grouped in the menu by ``payments.wagtail_hooks``): finance sees
each refund's state and, for one the provider refused, its reason."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from payments.refunds.models import Refund


class RefundViewSet(ModelViewSet):
    name = "refunds"
    model = Refund
    icon = "undo"
    menu_label = _("Refunds")
    list_display = [
        "amount",
        "donation",
        "status",
        "failure_message",
        DateColumn("created_at", label=_("Asked")),
    ]
    list_filter = ["status"]
    form_fields = []  # state changes only through the refund services
    inspect_view_enabled = True
