from django.db import models
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from campaigns.compliance import Credentials, validate_uscc


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Who runs the site: used by the footer, the contact block and (later) donation receipts.

    Settings are per site, not per locale, so texts shown to the public have a Chinese and an
    English field; ``localized`` picks the one for the active language.
    """

    organisation_name = models.CharField(_("organisation name (Chinese)"), max_length=200, default="清源公益")
    organisation_name_en = models.CharField(
        _("organisation name (English)"), max_length=200, default="Clearfund"
    )
    organisation_address = models.TextField(
        _("registered address"), blank=True, help_text=_("Printed on receipts.")
    )
    organisation_address_en = models.TextField(_("registered address (English)"), blank=True)
    registration_number = models.CharField(
        _("registration number"),
        max_length=64,
        blank=True,
        help_text=_(
            "Unified social credit code of the charity (18 characters), shown on every fundraising page, "
            "donate page, receipt and report. Campaigns cannot take gifts while it is empty."
        ),
        validators=[validate_uscc],
    )
    fundraising_qualification = models.CharField(
        _("public-fundraising qualification"),
        max_length=200,
        blank=True,
        help_text=_(
            "The number of the charity's public-fundraising qualification certificate (or the decision "
            "granting it), shown with the registration. Campaigns cannot take gifts while it is empty."
        ),
    )
    fundraising_qualification_en = models.CharField(
        _("public-fundraising qualification (English)"),
        max_length=200,
        blank=True,
        help_text=_(
            "The qualification's number as English pages, receipts and statements show it (for example "
            '"Xiangminci [2025] No. 001"). When empty they show the Chinese number marked "not yet translated".'
        ),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    footer_text = models.TextField(_("footer text (Chinese)"), blank=True)
    footer_text_en = models.TextField(_("footer text (English)"), blank=True)
    legal_notice = models.TextField(_("legal notice (Chinese)"), blank=True)
    legal_notice_en = models.TextField(_("legal notice (English)"), blank=True)
    supporter_pages_public_at_once = models.BooleanField(
        _("supporters' pages public at once"),
        default=False,
        help_text=_(
            "When ticked, a supporter's page is public as soon as it is started and editors moderate it "
            "afterwards (a reported page can be hidden at once). When not, an editor approves each page first."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("organisation_name_en"),
                FieldPanel("organisation_address"),
                FieldPanel("organisation_address_en"),
                FieldPanel("registration_number"),
                FieldPanel("fundraising_qualification"),
                FieldPanel("fundraising_qualification_en"),
            ],
            heading=_("Organisation"),
        ),
        MultiFieldPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")], heading=_("Contact")),
        MultiFieldPanel(
            [
                FieldPanel("footer_text"),
                FieldPanel("footer_text_en"),
                FieldPanel("legal_notice"),
                FieldPanel("legal_notice_en"),
            ],
            heading=_("Footer and legal"),
        ),
        MultiFieldPanel([FieldPanel("supporter_pages_public_at_once")], heading=_("Supporters' pages")),
    ]

    class Meta:
        verbose_name = _("site settings")

    def localized(self, field: str) -> str:
        """The English variant of ``field`` when English is active and it is filled in."""
        if (get_language() or "").startswith("en"):
            return getattr(self, f"{field}_en", "") or getattr(self, field)
        return getattr(self, field)

    @property
    def display_name(self) -> str:
        return self.localized("organisation_name")

    @property
    def display_footer(self) -> str:
        return self.localized("footer_text")

    @property
    def display_legal(self) -> str:
        return self.localized("legal_notice")


def site_name_of_default_site(language: str) -> str | None:
    """The default site's organisation name in ``language`` (``campaigns.site_name`` reads it for
    mails, PDFs and pages without a request); None when the site has no settings yet."""
    found = SiteSettings.objects.filter(site__is_default_site=True).first()
    if found is None:
        return None
    with translation.override(language):
        return found.display_name


def supporter_pages_public_at_once_of_default_site() -> bool | None:
    """The default site's "supporters' pages public at once" switch (``payments.supporters.publishing``
    reads it); None when the site has no settings yet."""
    return (
        SiteSettings.objects.filter(site__is_default_site=True)
        .values_list("supporter_pages_public_at_once", flat=True)
        .first()
    )


def credentials_of_default_site() -> Credentials | None:
    """The default site's registration and fundraising qualification (``campaigns.compliance``
    reads them); None when the site has no settings yet."""
    found = SiteSettings.objects.filter(site__is_default_site=True).first()
    if found is None:
        return None
    return Credentials(
        registration_number=found.registration_number.strip().upper(),
        fundraising_qualification=found.fundraising_qualification.strip(),
        fundraising_qualification_en=found.fundraising_qualification_en.strip(),
        address=found.organisation_address.strip(),
        address_en=found.organisation_address_en.strip(),
        name=found.organisation_name.strip(),
        name_en=found.organisation_name_en.strip(),
    )
