from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from campaigns.compliance import credentials_source
        from campaigns.site_name import site_name_source
        from cms import admin_language, receivers
        from cms.models.site_settings import (
            site_name_of_default_site,
            supporter_pages_public_at_once_of_default_site,
        )
        from cms.selectors import cached_credentials
        from payments.supporters.publishing import public_at_once_source

        receivers.connect()
        admin_language.install()
        site_name_source(site_name_of_default_site)
        credentials_source(cached_credentials)
        public_at_once_source(supporter_pages_public_at_once_of_default_site)
