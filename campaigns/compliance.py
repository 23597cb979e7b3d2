"""Who may raise money, under which filing: the facts every fundraising page, donate page and report
shows, and the check that keeps a campaign from taking gifts without them (issue 15, ADR 0413).

Source of the rules: the Charity Law of the PRC (2016, amended 2023), art. 22–23 (public
fundraising needs a public-fundraising qualification) and art. 24 (the fundraising plan is filed
with the civil-affairs department before fundraising starts), and the Ministry of Civil Affairs'
rules on online public fundraising (2016: published on a platform the Ministry designates,
showing the charity's registration and qualification and the plan's filing number). The
unified social credit code is GB 32100-2015.

The charity's own facts live in the site settings (``cms.SiteSettings``); ``campaigns`` may not
import the CMS (DESIGN §6), so the CMS registers where they are read (``credentials_source``), as
it does for the site's name (``campaigns.site_name``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.reader_language import CJK, ReaderText, in_reader_language

# The campaign's own public-fundraising facts (on ``Campaign`` and proposed on its CMS page).
CAMPAIGN_FIELDS = (
    "fundraising_filing_number",
    "designated_platform",
    "designated_platform_en",
    "designated_platform_url",
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class Credentials:
    """The charity's registration (unified social credit code) and its public-fundraising
    qualification (the certificate's number or the civil-affairs decision that grants it)."""

    registration_number: str = ""
    fundraising_qualification: str = ""
    # The registered address, printed on receipts and reports in the reader's language.
    address: str = ""
    address_en: str = ""
    # The organisation's name per language, so that the notice needs no read of its own.
    name: str = ""
    name_en: str = ""
    # The qualification's official number read in English ("Xiangminci [2025] No. 001").
    fundraising_qualification_en: str = ""

    def qualification(self, *, language: str | None = None) -> ReaderText:
        """The qualification's number for a reader of ``language`` (default: the active one): the
        English reading on English pages, the Chinese number marked "not yet translated" when
        there is none (``campaigns.reader_language``). A number without Chinese in it reads the
        same in both languages."""
        if not CJK.search(self.fundraising_qualification):
            return ReaderText(self.fundraising_qualification)
        return in_reader_language(self, "fundraising_qualification", language=language)


_source: Callable[[], Credentials | None] | None = None


def credentials_source(source: Callable[[], Credentials | None]) -> None:
    """Register where the charity's credentials are read (the CMS, from ``CmsConfig.ready``)."""
    global _source
    _source = source


def charity_credentials() -> Credentials:
    """The charity's credentials, empty when no source is registered or the database cannot be
    read (pages then show nothing rather than fail; publishing is what the check refuses)."""
    if _source is None:
        return Credentials()
    try:
        return _source() or Credentials()
    except DatabaseError:
        return Credentials()


def uscc_is_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed unified social credit code: 18 characters of the GB
    32100-2015 alphabet whose last is the check character of the first 17 (weights 3^i mod 31)."""
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def validate_uscc(value: str) -> None:
    """Field validator: a blank value passes (a site may not be set up yet); anything else must be
    a valid unified social credit code. Raises ``ValidationError``."""
    if value and not uscc_is_valid(value.strip().upper()):
        raise ValidationError(
            gettext_lazy(
                "This is not a valid unified social credit code: 18 characters (digits and capital "
                "letters except I, O, S, V, Z) whose last one is the check character (GB 32100-2015)."
            ),
            code="invalid_uscc",
        )


def compliance_gaps(
    *, filing_number: str, designated_platform: str, credentials: Credentials | None = None
) -> list[str]:
    """What is missing before a campaign may take gifts, as sentences for the editor or reviewer
    (empty: nothing). ``filing_number`` and ``designated_platform`` are the campaign's."""
    found = credentials if credentials is not None else charity_credentials()
    gaps = []
    if not found.registration_number:
        gaps.append(_("the charity's unified social credit code (site settings)"))
    if not found.fundraising_qualification:
        gaps.append(_("the charity's public-fundraising qualification (site settings)"))
    if not filing_number.strip():
        gaps.append(_("the filing number of the campaign's fundraising plan"))
    if not designated_platform.strip():
        gaps.append(_("the designated platform where the campaign is published"))
    return gaps


def check_may_take_gifts(campaign) -> None:
    """Raise ``ValidationError`` naming every missing fact if ``campaign`` may not take gifts yet."""
    gaps = compliance_gaps(
        filing_number=campaign.fundraising_filing_number, designated_platform=campaign.designated_platform
    )
    if gaps:
        raise ValidationError(
            _(
                "A campaign that takes gifts must show who raises the money and under which filing. Missing: %(gaps)s."
            )
            % {"gaps": _("; ").join(gaps)}
        )
