"""Admin URLs and the menu of outbound webhooks (ADR 0420): shown to those who may manage them."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from integrations import views
from integrations.services import may_manage


class WebhooksMenuItem(MenuItem):
    def is_shown(self, request):
        return may_manage(request.user)


class WebhooksSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return may_manage(request.user)


@hooks.register("register_admin_urls")
def register_webhook_urls():
    return [
        path("integrations/webhooks/", views.subscriptions_view, name="integrations_subscriptions"),
        path("integrations/webhooks/add/", views.subscription_add_view, name="integrations_subscription_add"),
        path(
            "integrations/webhooks/<int:pk>/", views.subscription_edit_view, name="integrations_subscription"
        ),
        path(
            "integrations/webhooks/<int:pk>/secret/",
            views.subscription_secret_view,
            name="integrations_subscription_secret",
        ),
        path("integrations/deliveries/", views.deliveries_view, name="integrations_deliveries"),
        path("integrations/deliveries/<int:pk>/", views.delivery_view, name="integrations_delivery"),
        path(
            "integrations/deliveries/<int:pk>/replay/",
            views.delivery_replay_view,
            name="integrations_delivery_replay",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_webhooks_menu():
    menu = Menu(items=[
        WebhooksMenuItem(_("Webhook subscriptions"), reverse("integrations_subscriptions"), icon_name="link", order=10),
        WebhooksMenuItem(_("Webhook deliveries"), reverse("integrations_deliveries"), icon_name="list-ul", order=20),
    ])  # fmt: skip
    return WebhooksSubmenu(_("Webhooks"), menu, icon_name="link", order=270)
