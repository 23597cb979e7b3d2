"""System checks of the provider edge, run by ``manage.py check --deploy``.

``payments.E001``: a gateway setting names a class marked ``test_only`` (the fakes and anything
derived from them) or one that cannot be imported. ``payments.E002``: ``STRIPE_API_BASE`` points
at a stand-in on this machine or is not https. Deploy-only: development and tests use the fakes
and localstripe on purpose. ADR 0208.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from payments.gateway.deployment import GATEWAY_SETTINGS, api_base_problem, named_as_fake


@register(Tags.security, deploy=True)
def check_gateways(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    for name in GATEWAY_SETTINGS:
        path = getattr(settings, name, "")
        try:
            cls = import_string(path)
        except ImportError as exc:
            errors.append(Error(f"{name} = {path!r} cannot be imported: {exc}", id="payments.E001"))
            continue
        if getattr(cls, "test_only", False) or named_as_fake(path):
            errors.append(
                Error(
                    f"{name} = {path!r} is a stand-in for tests, not a payment provider.",
                    hint="Unset it to use Stripe (payments.gateway.card.StripeGateway, "
                    "payments.gateway.connect.StripeConnectGateway).",
                    id="payments.E001",
                )
            )
    problem = api_base_problem(settings.STRIPE_API_BASE)
    if problem:
        errors.append(Error(problem, hint="Unset STRIPE_API_BASE in production.", id="payments.E002"))
    return errors
