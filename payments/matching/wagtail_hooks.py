"""Admin menu and screens of matching (imported by ``payments.wagtail_hooks``)."""

from django.urls import path
from wagtail import hooks

from payments.matching.admin_views import match_pool_money_view
from payments.matching.viewsets import MatchingGroup


@hooks.register("register_admin_viewset")
def register_matching_viewsets():
    return MatchingGroup()


@hooks.register("register_admin_urls")
def register_matching_urls():
    return [path("matching/pools/<int:pk>/money/", match_pool_money_view, name="match_pool_money")]
