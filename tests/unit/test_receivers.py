"""Side effects you can see (STYLE.md): every signal receiver of the project lives in its app's
``receivers.py``, is connected when the app is ready, and names the concrete sender it listens to.

Checked on the connected receivers (after every app and every template library is loaded, so a
receiver hidden in a module that loads late is found too) and on the source.
"""

from __future__ import annotations

import importlib
import re
import types
from pathlib import Path

import pytest
from django.db.models import signals as model_signals
from django.dispatch import Signal
from wagtail import signals as wagtail_signals

ROOT = Path(__file__).resolve().parents[2]
APPS = ("campaigns", "payments", "reports", "cms", "config")
SIGNAL_IMPORT = re.compile(
    r"^\s*from\s+(django\.dispatch\s+import\s+.*\breceiver\b|django\.db\.models\.signals\s+import|"
    r"django\.db\.models\s+import\s+.*\bsignals\b|wagtail\.signals\s+import|wagtail\s+import\s+.*\bsignals\b)",
    re.MULTILINE,
)


def _project_modules(pattern: str):
    """Dotted names of the project's modules whose path matches ``pattern`` (a glob under an app)."""
    for app in APPS:
        for path in sorted((ROOT / app).glob(pattern)):
            if path.name != "__init__.py":
                yield ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _signals_of(module: types.ModuleType) -> list[tuple[str, Signal]]:
    return [(f"{module.__name__}.{name}", s) for name, s in vars(module).items() if isinstance(s, Signal)]


def all_signals() -> list[tuple[str, Signal]]:
    """Django's model signals, Wagtail's signals and every domain signal the project defines."""
    found = _signals_of(model_signals) + _signals_of(wagtail_signals)
    for module in _project_modules("**/signals.py"):
        found += _signals_of(importlib.import_module(module))
    return found


def offending_receivers() -> list[str]:
    """Project receivers connected without a sender, or living outside a ``receivers`` module."""
    for module in _project_modules("**/templatetags/*.py"):
        importlib.import_module(module)  # template libraries load late: make them show their receivers
    offenders = []
    for signal_name, signal in all_signals():
        for (_receiver_key, sender_key), reference, _is_async in signal.receivers:
            receiver = reference() if isinstance(reference, weakref_types()) else reference
            if receiver is None:
                continue
            module = getattr(receiver, "__module__", "") or ""
            if module.split(".")[0] not in APPS:
                continue  # Django's and Wagtail's own receivers
            where = f"{signal_name} → {module}.{getattr(receiver, '__qualname__', receiver)}"
            if sender_key == id(None):
                offenders.append(f"{where}: no sender")
            if module.rsplit(".", 1)[-1] != "receivers":
                offenders.append(f"{where}: not in a receivers.py")
    return offenders


def weakref_types() -> tuple[type, ...]:
    import weakref

    return (weakref.ReferenceType, weakref.WeakMethod)


def test_every_project_receiver_names_its_sender_and_lives_in_receivers_py():
    assert offending_receivers() == []


def test_the_check_finds_a_receiver_listening_to_every_save():
    # given a receiver in a template library listening to every save, as cms_tags once had
    module = types.ModuleType("cms.templatetags.listening")

    def on_any_save(sender, **kwargs):
        return None

    on_any_save.__module__ = module.__name__
    model_signals.post_save.connect(on_any_save, dispatch_uid="tests.on_any_save")
    try:
        # when the receivers are checked, then it is reported twice: no sender, wrong module
        offenders = offending_receivers()
    finally:
        model_signals.post_save.disconnect(dispatch_uid="tests.on_any_save")
    name = f"django.db.models.signals.post_save → cms.templatetags.listening.{on_any_save.__qualname__}"
    assert [o for o in offenders if ".listening." in o] == [
        f"{name}: no sender",
        f"{name}: not in a receivers.py",
    ]


def test_the_domain_signals_are_checked_too():
    names = {name for name, _signal in all_signals()}

    assert {
        "campaigns.verification.signals.milestone_verified",
        "campaigns.verification.signals.outcome_verified",
        "payments.releases.signals.release_paid",
    } <= names


@pytest.mark.parametrize("app", APPS)
def test_only_receivers_modules_import_the_signal_machinery(app):
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        and path.name != "receivers.py"
        and SIGNAL_IMPORT.search(path.read_text())
    ]

    assert offenders == []
