from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public API at ``/api/v1/`` (ADR 0414): an interface, like ``cms``: it calls the other
    apps' selectors (reads) and services (writes) and holds no rule of its own."""

    name = "api"
    verbose_name = _("API")
