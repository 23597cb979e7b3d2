"""Where outbound webhooks may go, and the one HTTP request that goes there (ADR 0420).

A target URL is chosen by staff, so the request is server-side request forgery waiting to
happen: by default only ``https`` and only public addresses. The host is resolved once per
attempt, every address it resolves to is checked, and the connection is made to the checked
address (TLS still verifies the host name), so a name that resolves to a public address when
saved and to ``127.0.0.1`` later (DNS rebinding) is refused too. Redirects are not followed.

Settings: ``INTEGRATIONS_WEBHOOKS_ALLOW_HTTP`` (DEBUG and tests), ``INTEGRATIONS_WEBHOOKS_ALLOW_PRIVATE``
(loopback, private, link-local and reserved addresses; tests, whose receiver is local).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RESPONSE_BYTES_READ = 1024  # the receiver's answer is not ours to store


class TargetRefused(ValidationError):
    """The URL may not receive webhooks (scheme, host or address); ``detail`` names the address
    or host for the delivery log."""

    def __init__(self, message, *, code: str, detail: str = "") -> None:
        super().__init__(message, code=code)
        self.detail = detail


def _address_refusal(address: str) -> str | None:
    ip = ipaddress.ip_address(address)
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if settings.INTEGRATIONS_WEBHOOKS_ALLOW_PRIVATE:
        return None
    if not ip.is_global or ip.is_multicast:
        return _("The address %(address)s is private, loopback or reserved.") % {"address": address}
    return None


def url_check(url: str) -> None:
    """Raise ``TargetRefused`` unless ``url`` is an absolute ``https`` URL (``http`` only where the
    setting allows it) with a host name, no credentials and no fragment. Does not resolve."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.INTEGRATIONS_WEBHOOKS_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise TargetRefused(_("The target URL must start with https://."), code="scheme")
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        raise TargetRefused(_("The target URL needs a host name and no user name, password or #fragment."),
                            code="host")  # fmt: skip
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        # A name is resolved at each attempt; the names that always mean this machine or its
        # network (RFC 6761 "localhost", mDNS ".local") are refused when saved already.
        host = parts.hostname.rstrip(".").lower()
        local = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
        if local and not settings.INTEGRATIONS_WEBHOOKS_ALLOW_PRIVATE:
            raise TargetRefused(_("The host %(host)s is on this machine or its local network.") % {"host": host},
                                code="address", detail=host) from None  # fmt: skip
        return
    if refusal := _address_refusal(str(literal)):
        raise TargetRefused(refusal, code="address", detail=str(literal))


def resolve_checked(url: str) -> str:
    """The address to connect to for ``url``: every address the host resolves to must be allowed.
    Raises ``TargetRefused`` (also when the name does not resolve)."""
    url_check(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise TargetRefused(_("The host name does not resolve."), code="dns",
                            detail=parts.hostname) from exc  # fmt: skip
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        if refusal := _address_refusal(address):
            raise TargetRefused(refusal, code="address", detail=address)
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    problem: str  # AttemptProblem value, "" when the receiver answered
    error: str  # technical detail for the log (address, exception), not a sentence
    duration_ms: int


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST ``body`` to ``url`` once (``timeout`` seconds for connecting and for each read).
    Never raises for network trouble: the answer carries the status code or a short error."""
    started = time.monotonic()

    def answer(code: int | None, problem: str = "", error: str = "") -> Answer:
        return Answer(code, problem, error[:200], int((time.monotonic() - started) * 1000))

    try:
        address = resolve_checked(url)
    except TargetRefused as exc:
        return answer(None, "refused", exc.detail)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = cls(parts.hostname, port, address=address, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_BYTES_READ)
        return answer(response.status, "" if 200 <= response.status < 300 else "status")
    except TimeoutError:
        return answer(None, "timeout", f"{timeout:g} s")
    except (OSError, http.client.HTTPException) as exc:
        return answer(None, "network", f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
