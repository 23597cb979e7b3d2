"""PostgreSQL unavailable: answer 503 with Retry-After, never 500 (issue #10, ADR 0007).

A connection refused, cut or timed out while PostgreSQL restarts reaches Django as
``OperationalError`` or ``InterfaceError``, raised by the view (most often) or by a middleware
(saving a session). Both become a 503 with ``Retry-After`` and a small page in the visitor's
language that needs no database to render (``templates/503.html``: no context processors, no site
settings); a request that asks for JSON (the donation panel's script) gets
``{"status": "error", "message": ...}``. The provider's webhook gets the same 503, so it retries
the event later. Other errors keep Django's 500.

- Raised by a view: :class:`DatabaseUnavailableMiddleware` (``process_exception``), also when
  ``DEBUG`` is on.
- Raised by a middleware: the ``handler500`` view :func:`server_error` (``config.urls``), which
  Django calls while the error is being handled.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def unavailable_response(request: HttpRequest | None) -> HttpResponse:
    """The 503 answer: ``Retry-After`` of ``CLEARFUND_UNAVAILABLE_RETRY_AFTER`` seconds."""
    retry_after = settings.CLEARFUND_UNAVAILABLE_RETRY_AFTER
    message = _("The site is briefly unavailable. Please try again in a minute.")
    wants_json = request is not None and "application/json" in request.headers.get("Accept", "")
    if wants_json:
        response: HttpResponse = JsonResponse({"status": "error", "message": message}, status=503)
    else:
        body = get_template("503.html").render({"message": message, "retry_after": retry_after})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database-unavailable error raised by a view into :func:`unavailable_response`."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            log.warning("database unavailable (%s: %s): 503 for %s %s", type(exception).__name__,
                        (str(exception).strip().splitlines() or [""])[0][:200], request.method, request.path)  # fmt: skip
            return unavailable_response(request)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: 503 when the error being handled is the database being unavailable."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return unavailable_response(request)
    return defaults.server_error(request, template_name=template_name)
