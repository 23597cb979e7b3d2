"""Admin screens of matching: matchers and their pools (edited by finance officers), with amounts
typed in yuan like every amount people type (ADR 0005). A pool's status and money change only
through the services (``admin_views``: pay-ins and closing)."""

from __future__ import annotations

from django import forms
from django.db.models import Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from campaigns.admin_columns import SiteMomentColumn
from campaigns.admin_inspect import SiteInspectView
from campaigns.admin_names import ReaderIndexView
from campaigns.amount_input import AmountField
from payments.matching.models import Matcher, MatchPool, PayInStatus


class MatcherForm(WagtailAdminModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Matcher
        fields = ["name", "name_en", "slug", "kind", "about", "about_en", "website"]


class MatcherViewSet(ModelViewSet):
    name = "matchers"
    model = Matcher
    icon = "group"
    menu_label = _("Matchers")
    list_display = ["name", "name_en", "kind", "slug"]
    search_fields = ["name", "name_en", "slug"]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView

    def get_form_class(self, for_update: bool = False):
        return MatcherForm


class MatchPoolForm(WagtailAdminModelForm):
    cap = AmountField(currency="CNY", label=_("Total cap (the pledge)"),
                      help_text=_("The most the pool matches in all, e.g. 100000."))  # fmt: skip
    per_donor_cap = AmountField(currency="CNY", required=False, label=_("Per-donor cap"),
                                help_text=_("The most one donor's gifts are matched; empty for no limit."))  # fmt: skip

    class Meta:
        model = MatchPool
        fields = ["matcher", "title", "title_en", "currency", "ratio", "starts_at", "ends_at", "campaigns"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        currency = self.data.get("currency") or self.instance.currency or "CNY"
        self.fields["cap"].currency = self.fields["per_donor_cap"].currency = currency
        if self.instance.pk:
            self.initial["cap"] = str(self.instance.cap.amount)
            if self.instance.per_donor_cap is not None:
                self.initial["per_donor_cap"] = str(self.instance.per_donor_cap.amount)

    def clean(self):
        data = super().clean()
        cap = data.get("cap")
        if cap is not None and cap.amount <= 0:
            self.add_error("cap", _("The cap must be more than zero."))
        per_donor = data.get("per_donor_cap")
        if per_donor is not None and per_donor.amount <= 0:
            self.add_error("per_donor_cap", _("Leave it empty for no limit, or give more than zero."))
        if data.get("ratio") is not None and data["ratio"] < 0:
            self.add_error("ratio", _("The ratio cannot be negative."))
        if self.instance.pk and cap is not None:
            promised = self.instance.pay_ins.exclude(status=PayInStatus.REJECTED).aggregate(
                t=Sum("amount_minor")
            )["t"]
            if cap.to_minor() < int(promised or 0):
                self.add_error(
                    "cap", _("The cap cannot be less than what the matcher has paid or is paying in.")
                )
            if data.get("currency") and data["currency"] != self.instance.currency and promised:
                self.add_error("currency", _("A pool with payments cannot change its currency."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The window must end after it starts."))
        return data

    def save(self, commit: bool = True):
        pool = super().save(commit=False)
        pool.cap_minor = self.cleaned_data["cap"].to_minor()
        per_donor = self.cleaned_data.get("per_donor_cap")
        pool.per_donor_cap_minor = per_donor.to_minor() if per_donor is not None else None
        if commit:
            pool.save()
            self.save_m2m()
        return pool


class PayInsColumn(Column):
    def get_value(self, instance):
        return format_html('<a href="{}">{}</a>', reverse("match_pool_money", args=[instance.pk]),
                           _("Pay-ins and figures"))  # fmt: skip


class MatchPoolViewSet(ModelViewSet):
    name = "match_pools"
    model = MatchPool
    icon = "tag"
    menu_label = _("Matching pools")
    index_view_class = ReaderIndexView  # the pool's title in the staff member's language
    # Moments in the site's zone and format (a pool's end is usually still to come: Wagtail's
    # DateColumn would call it "just now"); the ratio as every other screen writes it ("1:1").
    list_display = ["title", "matcher", Column("ratio_label", label=_("Ratio")), "status",
                    SiteMomentColumn("starts_at", label=_("From")), SiteMomentColumn("ends_at", label=_("Until")),
                    PayInsColumn("money", label=_("Money"))]  # fmt: skip
    list_filter = ["status", "matcher"]
    inspect_view_enabled = True
    inspect_view_class = SiteInspectView

    def get_form_class(self, for_update: bool = False):
        return MatchPoolForm


class MatchingGroup(ModelViewSetGroup):
    menu_label = _("Matching")
    menu_icon = "group"
    menu_order = 270
    items = (MatcherViewSet, MatchPoolViewSet)
