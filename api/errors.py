"""One error object for every 4xx of the API: ``{"error": {"code", "message", "fields"}}``.

``code`` is stable (clients branch on it), ``message`` is for people (in the request's language),
``fields`` maps an input field to its messages (empty unless the input was invalid). DRF's own
exceptions, Django's ``Http404``/``PermissionDenied`` and the API's ``ApiError`` all end here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

# DRF's exception classes → our codes (the default codes of DRF are kept where they are clear).
_CODES: dict[type[Exception], str] = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.Throttled: "throttled",
}


class ApiError(exceptions.APIException):
    """A refusal with its own stable ``code`` and HTTP status (``Retry-After`` when given)."""

    def __init__(self, message: str, *, code: str, status_code: int, retry_after: int | None = None) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.retry_after = retry_after


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _fields(detail: Any) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    return {str(name): _flatten(value) for name, value in detail.items()}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler for the API's views (``api.views.ApiView``). Returns ``None`` for
    anything that is not a client error, so a real fault still surfaces as a 500 (and in the logs)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        code = exc.error_code
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
    else:
        code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        message = _("Some of the input is not valid.") if fields else " ".join(_flatten(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        # DRF's parser message is English and names Python's JSON error: the reader's language instead.
        fields = {}
        message = _("The request body is not valid JSON.")
    else:
        fields = {}
        message = " ".join(_flatten(exc.detail))
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        headers["WWW-Authenticate"] = "Bearer"
        exc.status_code = status.HTTP_401_UNAUTHORIZED
    return Response(error_body(code, message, fields), status=exc.status_code, headers=headers)


@csrf_exempt  # a POST to no endpoint is a 404 object too, not the CSRF failure page
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under ``/api/`` that names no endpoint: the API's 404 object, not an HTML page."""
    return JsonResponse(error_body("not_found", _("There is nothing at this address.")), status=404)
