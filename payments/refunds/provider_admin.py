"""Admin list of refunds made at the provider, read-only (grouped in the menu by
``payments.wagtail_hooks``): what finance must know about, above all the part the platform fronted
because the gift had already been released (``to recover``, from the ledger). ADR 0208."""

from django.db.models import BigIntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.admin_inspect import SiteInspectView
from campaigns.money import Money
from payments.ledger.models import AccountKind, Posting
from payments.refunds.models import Refund
from payments.refunds.provider import PROVIDER_KEY_PREFIX


class MoneyColumn(Column):
    """A column of minor units shown as money in the refund's currency."""

    def get_value(self, instance):
        return Money.from_minor(int(getattr(instance, self.accessor) or 0), instance.currency)


def fronted_by_platform(**entry_filter) -> Coalesce:
    """For each row: minus the sum of the platform receivable postings of the ledger entries that
    ``entry_filter`` selects (an ``OuterRef`` filter), i.e. what the platform fronted and has not
    got back, in minor units (0 if none). Used by the refunds and disputes lists."""
    fronted = (
        Posting.objects.filter(account__kind=AccountKind.PLATFORM_RECEIVABLE, **entry_filter)
        .order_by()
        .values("account")
        .annotate(total=Sum("amount_minor"))
        .values("total")
    )
    return Coalesce(-Subquery(fronted), Value(0), output_field=BigIntegerField())


class ProviderRefundIndexView(IndexView):
    """Only refunds made at the provider, what each left to recover first."""

    default_ordering = ["-to_recover_minor", "-created_at"]
    page_title = _("Refunds made at the provider")

    def get_base_queryset(self):
        return (
            Refund.objects.filter(key__startswith=PROVIDER_KEY_PREFIX)
            .select_related("donation")
            .annotate(to_recover_minor=fronted_by_platform(entry__key=OuterRef("key")))
        )


class ProviderRefundViewSet(ModelViewSet):
    name = "refunds_to_recover"
    model = Refund
    icon = "warning"
    menu_label = _("Refunds made at the provider")
    list_display = [MoneyColumn("amount_minor", label=_("Amount")),
                    MoneyColumn("to_recover_minor", label=_("To recover")), "donation", "status", "reason",
                    DateColumn("created_at", label=_("Seen"))]  # fmt: skip
    list_filter = ["status"]
    form_fields = []  # written only by payments.refunds.provider
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView  # site time, money, no internal fields (issue 13)

    index_view_class = ProviderRefundIndexView
