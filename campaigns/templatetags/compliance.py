"""``{% fundraising_notice campaign %}``: who raises the money and under which filing (ADR 0413),
on the donate panel (campaign and donate pages) and in reports."""

from django import template

from campaigns.compliance import charity_credentials
from campaigns.reader_language import in_reader_language, reads_english
from campaigns.site_name import site_name

register = template.Library()


@register.inclusion_tag("campaigns/_fundraising_notice.html")
def fundraising_notice(campaign) -> dict:
    credentials = charity_credentials()
    # The name from the cached credentials (no read per render); the site name's own lookup otherwise.
    english = reads_english()
    name = (credentials.name_en or credentials.name) if english else credentials.name
    return {
        "organisation": name or site_name(),
        "registration": credentials.registration_number,
        "qualification": credentials.qualification(),
        "filing": campaign.fundraising_filing_number,
        "platform": in_reader_language(campaign, "designated_platform"),
        "platform_url": campaign.designated_platform_url,
    }
