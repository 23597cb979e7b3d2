"""Admin URLs and the menu item of a partner's own screens (gathered by ``payments.wagtail_hooks``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from campaigns.verification.permissions import partner_of
from payments.partners import views


class PartnerMenuItem(MenuItem):
    def is_shown(self, request):
        return partner_of(request.user) is not None


@hooks.register("register_admin_urls")
def register_partner_urls():
    return [
        path("partner/cases/", views.partner_cases_view, name="partner_cases"),
        path("partner/cases/<int:pk>/", views.partner_case_view, name="partner_case"),
    ]


@hooks.register("register_admin_menu_item")
def register_partner_menu_item():
    return PartnerMenuItem(
        _("Our cases"), reverse("partner_cases"), icon_name="folder-open-inverse", order=230
    )
