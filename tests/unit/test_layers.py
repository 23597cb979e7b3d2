"""The layering rules of DESIGN §6, checked on the source: a violation fails here, not in review."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_MODULES = {"payments/gateway/card.py", "payments/gateway/connect.py"}


def _python_files(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), path.read_text()


def _imports(source: str, module: str) -> bool:
    return re.search(rf"^\s*(from|import)\s+{module}(\.|\s|$)", source, re.MULTILINE) is not None


@pytest.mark.parametrize("forbidden", ["payments", "reports", "cms"])
def test_campaigns_imports_nothing_from_the_layers_above(forbidden):
    offenders = [name for name, source in _python_files("campaigns") if _imports(source, forbidden)]

    assert offenders == []


def test_only_the_gateway_imports_stripe():
    offenders = [
        name
        for package in ("campaigns", "cms", "payments", "reports", "config", "api")
        for name, source in _python_files(package)
        if _imports(source, "stripe") and name not in GATEWAY_MODULES
    ]

    assert offenders == []


def test_only_report_rendering_imports_weasyprint():
    offenders = [
        name
        for package in ("campaigns", "cms", "payments", "reports", "config", "api")
        for name, source in _python_files(package)
        if _imports(source, "weasyprint") and not name.startswith("reports/rendering/")
    ]

    assert offenders == []


def test_payments_and_reports_do_not_import_the_cms():
    offenders = [
        name
        for package in ("payments", "reports")
        for name, source in _python_files(package)
        if _imports(source, "cms")
    ]

    assert offenders == []


def test_nothing_imports_the_api():
    """The API (``api/``, ADR 0414) is an interface over the other apps' services and selectors:
    none of them may depend on it (``config/urls.py`` mounts it)."""
    offenders = [
        name
        for package in ("campaigns", "cms", "payments", "reports")
        for name, source in _python_files(package)
        if _imports(source, "api")
    ]

    assert offenders == []


def test_nothing_imports_the_integrations_app():
    """Outbound webhooks listen to domain signals (ADR 0420); the domain never calls them."""
    offenders = [
        name
        for package in ("campaigns", "payments", "reports", "cms")
        for name, source in _python_files(package)
        if _imports(source, "integrations")
    ]

    assert offenders == []
