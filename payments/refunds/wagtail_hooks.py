"""Admin menu entry of the donations area (imported by ``payments.wagtail_hooks``): finance
officers find a gift and refund it from the gift list."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.refunds.views import gifts_list, refund_view


class GiftsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return in_role(request.user, FINANCE_OFFICERS)


@hooks.register("register_admin_urls")
def register_gifts_url():
    return [
        path("finance/gifts/", gifts_list, name="finance_gifts"),
        path("finance/gifts/<uuid:public_id>/refund/", refund_view, name="finance_gift_refund"),
    ]


@hooks.register("register_admin_menu_item")
def register_gifts_menu_item():
    return GiftsMenuItem(_("Gifts and refunds"), reverse("finance_gifts"), icon_name="tag", order=850)
