"""The API's base views: how every endpoint authenticates, renders, throttles and fails, and the
conditional GET of public reads."""

from __future__ import annotations

import hashlib

from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.errors import exception_handler
from api.pagination import PagePagination
from api.throttling import ClientRateThrottle


class ApiView(GenericAPIView):
    """JSON in, JSON out; staff may authenticate with an API token or the admin session (CSRF
    checked on writes); every client is throttled by address; errors are ``api.errors`` objects."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    throttle_classes = [ClientRateThrottle]
    pagination_class = PagePagination

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        # /api/ has no language prefix, where the locale middleware uses the site's default: the
        # API speaks the client's Accept-Language (texts, labels, error messages) instead.
        translation.activate(translation.get_language_from_request(request._request))
        request._request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Accept-Language",))
        return response


class PublicReadView(ApiView):
    """A public read: no authentication, an ``ETag`` (a digest of the exact body, so any change in
    a figure, a text or the language changes it) and 304 to a matching ``If-None-Match``. Figures
    are at most ``TOTALS_CACHE_SECONDS`` old (``campaign_totals``' cache), so clients may reuse a
    body that long without asking."""

    authentication_classes: list = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or not isinstance(response, Response):
            return response
        if response.status_code != 200:
            return response
        response.render()
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        patch_vary_headers(response, ("Accept-Language",))
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        conditional = get_conditional_response(request._request, etag=response["ETag"], response=response)
        return conditional
