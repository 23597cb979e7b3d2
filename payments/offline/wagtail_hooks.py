"""Admin menu and screens of offline gifts (imported by ``payments.wagtail_hooks``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.offline.admin_views import (
    bank_statement_view,
    offline_gift_scan_view,
    offline_gifts_view,
    offline_refunds_view,
)


@hooks.register("register_admin_urls")
def register_offline_urls():
    return [
        path("offline/", offline_gifts_view, name="offline_gifts"),
        path("offline/<int:pk>/scan/", offline_gift_scan_view, name="offline_gift_scan"),
        path("offline/bank-statements/", bank_statement_view, name="offline_bank_statement"),
        path("offline/refunds/", offline_refunds_view, name="offline_refunds"),
    ]


class FinanceMenuItem(MenuItem):
    def is_shown(self, request):
        return in_role(request.user, FINANCE_OFFICERS)


@hooks.register("register_admin_menu_item")
def register_offline_menu_item():
    return FinanceMenuItem(_("Offline gifts"), reverse("offline_gifts"), icon_name="doc-full", order=275)


@hooks.register("register_admin_menu_item")
def register_bank_statement_menu_item():
    return FinanceMenuItem(
        _("Bank statements"), reverse("offline_bank_statement"), icon_name="doc-full", order=276
    )


@hooks.register("register_admin_menu_item")
def register_offline_refunds_menu_item():
    return FinanceMenuItem(_("Offline refunds"), reverse("offline_refunds"), icon_name="doc-full", order=277)
