"""A sentence that ends in a name someone typed (a matcher, the organisation, a partner, a campaign)
shows one full stop when the name ends in one, in English and Chinese (issue 14): "matched ¥300
by Acme Co.", never "Acme Co..". Through the real pages, mails and catalogues."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from payments.matching.models import Matcher
from tests import builders
from tests.factories import CampaignFactory
from tests.payments.matching_helpers import pool

pytestmark = pytest.mark.django_db


def _acme_pool(page):
    made = pool([page.campaign], cap=100_000)
    Matcher.objects.filter(pk=made.matcher_id).update(name="Acme Co.", name_en="Acme Co.")
    return made


def test_the_trace_names_a_matcher_ending_in_a_period_with_one_stop(
    client, page, django_capture_on_commit_callbacks
):
    # given a ¥300 gift matched ¥300 by "Acme Co."
    _acme_pool(page)
    with django_capture_on_commit_callbacks(execute=True):
        gift = builders.gift(page.campaign, 30_000, email="li.na@example.cn")

    english = client.get(f"/en/payments/trace/{gift.public_id}/").content.decode()
    chinese = client.get(f"/payments/trace/{gift.public_id}/").content.decode()

    assert "Your ¥300 was matched ¥300 by Acme Co. <a href=" in english
    assert "Acme Co.." not in english
    assert "您的 ¥300 捐款获得“Acme Co.”配捐 ¥300。" in chinese  # mid-sentence in Chinese: unchanged


@pytest.mark.parametrize(
    ("prefix", "offer"), [("/en", "Acme Co. matches gifts 1:1."), ("", "Acme Co. 按 1:1 为捐款配捐。")]
)
def test_the_campaign_pages_offer_names_the_matcher_with_one_stop(client, page, prefix, offer):
    _acme_pool(page)

    html = client.get(f"{prefix}{page.url}" if prefix else page.url).content.decode()

    assert f"<strong>{offer}</strong>" in html
    assert "Co.." not in html and "Co.。" not in html


@pytest.mark.parametrize(
    ("language", "raised", "published"),
    [
        (
            "en",
            "Raised by Acme Foundation Inc.\n",
            '<a href="https://give.example.cn/" rel="noopener">Give Co.</a></p>',
        ),
        (
            "zh-hans",
            "募捐主体：Acme Foundation Inc.\n",
            '<a href="https://give.example.cn/" rel="noopener">Give Co.</a></p>',
        ),
    ],
)
def test_the_fundraising_notice_names_the_organisation_and_platform_with_one_stop(
    language, raised, published
):
    context = {
        "organisation": "Acme Foundation Inc.",
        "platform": "Give Co.",
        "platform_url": "https://give.example.cn/",
    }

    with translation.override(language):
        html = render_to_string("campaigns/_fundraising_notice.html", context)

    assert raised in html and published in html
    assert "Inc.." not in html and "Inc.。" not in html and "</a>." not in html and "</a>。" not in html


@pytest.mark.parametrize(
    ("language", "paid", "approved"),
    [
        ("en", "for cataract surgery of Mr. Wu Jr.", "is approved for Anhui Eye Hospital Co., Ltd."),
        ("zh-hans", "用于 Mr. Wu Jr. 的cataract surgery。", "已批准拨付给 Anhui Eye Hospital Co., Ltd."),
    ],
)
def test_mails_name_a_partner_or_beneficiary_ending_in_a_period_with_one_stop(language, paid, approved):
    item = {"amount": "¥3,000", "campaign": "Sight", "partner": "Anhui Eye Hospital Co., Ltd.",
            "paid_at": date(2026, 12, 1), "verified_at": date(2026, 12, 1), "outcome": "cataract surgery",
            "beneficiary": "Mr. Wu Jr."}  # fmt: skip

    with translation.override(language):
        paid_text = render_to_string(
            "payments/notifications/email/_item_release_paid.txt", {"item": item}
        ).strip()
        approved_text = render_to_string(
            "payments/notifications/email/_item_outcome_verified.txt", {"item": item}
        ).strip()

    assert paid_text.endswith(paid) and approved_text.endswith(approved)
    assert ".." not in paid_text + approved_text and ".。" not in paid_text + approved_text


def test_a_mail_naming_a_campaign_ending_in_a_period_mid_text_has_one_stop():
    campaign = CampaignFactory(title="光明行动", title_en="Sight for Elders Inc.")
    plan = SimpleNamespace(
        amount="¥100", campaign=campaign, next_charge_on=date(2026, 12, 2), last_failure=""
    )

    with translation.override("en"):
        text = render_to_string(
            "payments/email/monthly_failed.txt", {"plan": plan, "donor_url": "https://x/"}
        )

    assert "to Sight for Elders Inc. We will try again on" in text and "Inc.." not in text


def test_the_receipt_the_thanks_page_and_the_share_text_name_such_a_campaign_with_one_stop(rf):
    campaign = CampaignFactory(title="光明行动", title_en="Sight for Elders Inc.")
    donation = SimpleNamespace(amount="¥100", campaign=campaign, receipt_number="CF-2026-1", captured_at=None,
                               frequency="one_off", is_captured=True)  # fmt: skip

    with translation.override("en"):
        receipt = render_to_string(
            "payments/email/receipt.txt", {"donation": donation, "donor_url": "https://x/"}
        )
        share = render_to_string(
            "payments/thanks/_share.html", {"campaign": campaign, "share_url": "https://x/"}
        )
        wallet = render_to_string(
            "payments/wallet_pay.html",
            {"campaign": campaign, "amount": "¥100.00", "wallet": "Alipay", "donation": donation},
            request=rf.get("/en/"),
        )

    assert receipt.startswith("Thank you. We received your gift of ¥100 to Sight for Elders Inc.\n")
    assert 'data-share-text="I gave to Sight for Elders Inc. Every cent is traced' in share
    assert "Your gift of ¥100.00 to Sight for Elders Inc.</p>" in wallet
