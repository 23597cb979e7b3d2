"""The public page view: Wagtail's ``serve`` after the two-query routing of ``cms.routing``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from wagtail import views as wagtail_views

from cms.routing import route_for_request


def serve(request: HttpRequest, path: str) -> HttpResponse:
    route = route_for_request(request, path)
    if route is not None:
        # Wagtail's Page.route_for_request reads its result from here instead of walking the tree.
        request._wagtail_route_for_request = route
    return wagtail_views.serve(request, path)
