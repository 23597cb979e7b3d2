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


# The other kinds of mail (issue 13): the sign-in link (the language of the page it was asked on)
# and the weekly digest of monthly donors (the donor's language), in both languages. The
# notifications one by one: tests/payments/test_notifications.py; the statement's mail:
# tests/reports/test_donor_statement.py.
@pytest.mark.parametrize(("language", "prefix"), [("en", "/en"), ("zh-hans", "")])
def test_the_sign_in_link_mail_is_in_the_language_of_the_page_it_was_asked_on(
    client, fake_gateway, bilingual_campaign, mailoutbox, django_capture_on_commit_callbacks, language, prefix
):
    give(bilingual_campaign, "100", language="zh-hans" if language == "en" else "en")
    mailoutbox.clear()
    client.defaults["REMOTE_ADDR"] = "203.0.113.9"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{prefix}/payments/sign-in/", {"email": "li.na@example.cn"})

    (mail,) = mailoutbox
    assert has_chinese(mail.subject + mail.body) is (language == "zh-hans"), mail.subject + mail.body
    assert f"{prefix}/payments/sign-in/" in mail.body
    if language == "zh-hans":
        assert "/en/" not in mail.body


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_weekly_digest_is_in_the_donors_language(
    fake_gateway,
    bilingual_campaign,
    mailoutbox,
    django_capture_on_commit_callbacks,
    language,
    settings,
    tmp_path,
):
    from payments.notifications.tasks import notifications_weekly_digests
    from tests.builders import refund

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    give(bilingual_campaign, "100", language=language, frequency="monthly")
    second = give(bilingual_campaign, "50", language=language)
    with django_capture_on_commit_callbacks(execute=True):
        refund(second, 5_000)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        notifications_weekly_digests()

    (mail,) = [m for m in mailoutbox if m.to == ["li.na@example.cn"]]
    text = mail.subject + mail.body
    if language == "en":
        assert not has_chinese(text), text
        assert "Cataract surgery" in text and "/en/payments/donor/" in text
    else:
        assert has_chinese(mail.subject) and "白内障复明手术" in text
        assert "Cataract surgery" not in text and "/en/" not in text
