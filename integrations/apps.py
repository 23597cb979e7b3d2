from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Outbound webhooks to partners and integrators (ADR 0420). Reads ``campaigns`` and
    ``payments``; nothing imports it back (``tests/unit/test_layers.py``)."""

    name = "integrations"
    verbose_name = _("Integrations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from integrations import receivers, tasks  # noqa: F401

        receivers.connect()
