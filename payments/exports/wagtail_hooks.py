"""Admin URLs and the menu item of the finance exports (gathered by ``payments.wagtail_hooks``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.exports import views


class FinanceExportsMenuItem(MenuItem):
    def is_shown(self, request):
        return in_role(request.user, FINANCE_OFFICERS)


@hooks.register("register_admin_urls")
def register_export_urls():
    return [
        path("finance/exports/", views.exports_view, name="finance_exports"),
        path("finance/exports/<slug:key>.<slug:fmt>", views.export_download, name="finance_export"),
    ]


@hooks.register("register_admin_menu_item")
def register_export_menu_item():
    return FinanceExportsMenuItem(
        _("Finance exports"), reverse("finance_exports"), icon_name="download", order=265
    )
