"""Admin menu and moderation screens of supporters' pages (imported by ``payments.wagtail_hooks``)."""

from django.urls import path
from wagtail import hooks

from payments.supporters.admin_views import supporter_page_moderate_view, supporter_team_moderate_view
from payments.supporters.viewsets import SupportersGroup


@hooks.register("register_admin_viewset")
def register_supporters_viewsets():
    return SupportersGroup()


@hooks.register("register_admin_urls")
def register_supporters_urls():
    return [
        path(
            "supporters/pages/<int:pk>/moderate/",
            supporter_page_moderate_view,
            name="supporter_page_moderate",
        ),
        path(
            "supporters/teams/<int:pk>/moderate/",
            supporter_team_moderate_view,
            name="supporter_team_moderate",
        ),
    ]
