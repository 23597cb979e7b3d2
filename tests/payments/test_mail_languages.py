"""Each kind of mail goes out in the language of the gift or plan it is about, campaign title
included (ADR 0403): the receipt and the four monthly notices, in Chinese and in English."""

import pytest

from payments.donations.tasks import send_monthly_notice, send_receipt
from payments.models import MonthlyPlan
from tests.payments.factories import give

pytestmark = pytest.mark.django_db

MONTHLY_NOTICES = ["failed", "lapsed", "cancelled", "ended"]
CJK = ("\u4e00", "\u9fff")


def has_chinese(text: str) -> bool:
    return any(CJK[0] <= ch <= CJK[1] for ch in text)


@pytest.fixture
def bilingual_campaign(campaign):
    campaign.title, campaign.title_en = "白内障复明手术", "Cataract surgery"
    campaign.save(update_fields=["title", "title_en"])
    return campaign


def send(kind: str, campaign, language: str):
    gift = give(campaign, "100", language=language, frequency="monthly" if kind != "receipt" else "one_off")
    if kind == "receipt":
        send_receipt(gift.pk)
    else:
        send_monthly_notice(MonthlyPlan.objects.get().pk, kind, "2027-01-15")


@pytest.mark.parametrize("kind", ["receipt", *MONTHLY_NOTICES])
def test_an_english_donor_gets_each_mail_in_english(fake_gateway, bilingual_campaign, mailoutbox, kind):
    # given a gift (or plan) made on an English page
    # when its mail of this kind is sent
    mailoutbox.clear()
    send(kind, bilingual_campaign, "en")

    # then subject and body are English, the campaign has its English title, the link says /en/
    (mail,) = [m for m in mailoutbox if m.to == ["li.na@example.cn"]][-1:]
    assert not has_chinese(mail.subject), mail.subject
    assert not has_chinese(mail.body), mail.body
    assert "Cataract surgery" in mail.subject + mail.body
    assert "/en/payments/donor/" in mail.body


@pytest.mark.parametrize("kind", ["receipt", *MONTHLY_NOTICES])
def test_a_chinese_donor_gets_each_mail_in_chinese(fake_gateway, bilingual_campaign, mailoutbox, kind):
    mailoutbox.clear()
    send(kind, bilingual_campaign, "zh-hans")

    (mail,) = [m for m in mailoutbox if m.to == ["li.na@example.cn"]][-1:]
    assert has_chinese(mail.subject), mail.subject
    assert "白内障复明手术" in mail.subject + mail.body
    assert "Cataract surgery" not in mail.subject + mail.body
    assert "/en/" not in mail.body


def test_an_untranslated_campaign_title_is_marked_in_an_english_mail(fake_gateway, campaign, mailoutbox):
    # given a campaign without an English title
    campaign.title, campaign.title_en = "白内障复明手术", ""
    campaign.save(update_fields=["title", "title_en"])
    mailoutbox.clear()

    # when an English donor's receipt goes out
    send("receipt", campaign, "en")

    # then it names the campaign as it is, marked, and carries no HTML
    (mail,) = [m for m in mailoutbox if m.to == ["li.na@example.cn"]][-1:]
    assert "白内障复明手术 (not yet translated)" in mail.subject + mail.body
    assert "<span" not in mail.body
