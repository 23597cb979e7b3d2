"""What a new-user check found on public and donor pages and mails (issues 12 and 13): card errors
in the page's language, the honeypot and forms styled on every payment page, each language's
colon and site name in mails, no "Clearfund" repeated in titles, the demo's limits and logins,
donor-typed dedications marked."""

from __future__ import annotations

import re
from email.headerregistry import Address
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from campaigns.site_name import from_address, site_name
from payments.donations.card_errors import CARD_ERROR_CODES, card_error_for_reader
from payments.donations.donor_links import donor_token
from payments.donations.tasks import send_receipt
from payments.models import MonthlyPlan
from tests.builders import gift
from tests.payments.factories import give

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def plan(campaign, fake_gateway):
    first = gift(campaign, 10_000, email="monthly@example.cn", frequency="monthly")
    return MonthlyPlan.objects.get(donor=first.donor)


def _card_page(client, plan, prefix: str) -> str:
    response = client.get(f"{prefix}/payments/donor/{donor_token(plan.donor)}/monthly/{plan.pk}/card/")
    assert response.status_code == 200
    return response.content.decode()


def _attributes(html: str, form_id: str) -> dict[str, str]:
    form = html.split(f'id="{form_id}"', 1)[1].split(">", 1)[0]
    return dict(re.findall(r'data-card-error-([a-z-]+)="([^"]*)"', form))


def test_a_chinese_card_page_carries_a_chinese_message_for_each_card_error_code(client, plan):
    # given the new-card page in Chinese (the stand-in for Stripe.js answers declines in English)
    html = _card_page(client, plan, "")

    # then the form carries our own message for each error code, in Chinese, for the script
    messages = _attributes(html, "card-update-form")
    assert set(messages) >= {code.replace("_", "-") for code in CARD_ERROR_CODES}
    assert messages["card-declined"] == "您的银行卡被拒绝。请换一张卡，或咨询发卡银行。"
    assert all(CJK.search(text) for code, text in messages.items() if code != "text")


def test_an_english_card_page_leaves_card_errors_to_the_processor(client, plan):
    html = _card_page(client, plan, "/en")

    # only the generic fallback: the processor's own (English) message is shown
    assert set(_attributes(html, "card-update-form")) == {"text"}


def test_the_card_page_title_names_the_site_once(client, plan):
    html = _card_page(client, plan, "")

    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Clearfund" not in title and site_name("zh-hans") in title


def test_the_chinese_donate_panel_carries_the_card_error_messages(client, fake_gateway, campaign):
    chinese = client.get(f"/payments/donate/{campaign.slug}/").content.decode()
    english = client.get(f"/en/payments/donate/{campaign.slug}/").content.decode()

    assert _attributes(chinese, "donate-form")["insufficient-funds"] == "这张银行卡余额不足。请换一张卡。"
    assert set(_attributes(english, "donate-form")) == {"text"}


def test_both_card_scripts_choose_the_message_by_decline_code_then_code():
    # The scripts read the attributes the pages carry (no browser here: the wiring is checked)
    folder = Path(settings.BASE_DIR) / "payments/static/payments"
    shared = (folder / "card_errors.js").read_text()
    assert "[error.decline_code, error.code]" in shared and "form.dataset.cardErrorOther" in shared
    for script in ("donate.js", "card_update.js"):
        source = (folder / script).read_text()
        assert "window.ClearfundCardErrors.message(form, error)" in source
        assert "show(error.message" not in source


def test_a_donor_typed_dedication_and_message_are_marked_written_in_chinese_on_english_pages(
    client, fake_gateway, campaign
):
    # given a gift in honour of someone named in Chinese, with a Chinese public message
    give(campaign, "100", dedication="我的外婆", public_message="加油！", display_name="李娜")

    # when the English donate page shows it on the wall of support
    html = client.get(f"/en/payments/donate/{campaign.slug}/").content.decode()
    wall = html.split('class="wall-of-support"', 1)[1].split("</section>", 1)[0]

    # then the donor's words are marked as written in Chinese; the name is shown as typed
    written = '<span lang="zh-Hans" data-donor-text>{}</span> <small class="untranslated">(written in Chinese)</small>'
    assert "in honour of " + written.format("我的外婆") in wall
    assert "<p>" + written.format("加油！") + "</p>" in wall
    assert "<strong data-donor-text>李娜</strong>" in wall

    # and a Chinese page shows them without a mark
    chinese = client.get(f"/payments/donate/{campaign.slug}/").content.decode()
    assert "<p><span data-donor-text>加油！</span></p>" in chinese and "written in Chinese" not in chinese


def _receipt(mailoutbox, campaign, language: str):
    mailoutbox.clear()
    gift_ = give(campaign, "100", language=language)
    send_receipt(gift_.pk)
    return mailoutbox[-1]


def test_a_chinese_receipt_uses_chinese_colons_and_comes_from_the_chinese_site_name(
    fake_gateway, campaign, mailoutbox
):
    mail = _receipt(mailoutbox, campaign, "zh-hans")

    assert re.search(r"^收据编号：CF-\d{4}-\d{8}$", mail.body, re.M), mail.body
    assert re.search(r"^日期：\d{4}-\d\d-\d\d$", mail.body, re.M), mail.body
    assert ": " not in mail.body.split("收据编号", 1)[1]
    assert mail.from_email == str(
        Address(display_name=site_name("zh-hans"), addr_spec="noreply@clearfund.example")
    )
    assert "Clearfund" not in mail.from_email


def test_an_english_receipt_keeps_the_ascii_colon_and_the_english_site_name(
    fake_gateway, campaign, mailoutbox
):
    mail = _receipt(mailoutbox, campaign, "en")

    assert re.search(r"^Receipt number: CF-\d{4}-\d{8}$", mail.body, re.M), mail.body
    assert mail.from_email.startswith(site_name("en"))


def test_a_campaign_title_with_an_ampersand_is_not_escaped_in_a_text_mail(fake_gateway, campaign, mailoutbox):
    campaign.title = "眼科 & 助学"
    campaign.save(update_fields=["title"])

    mail = _receipt(mailoutbox, campaign, "zh-hans")

    assert "眼科 & 助学" in mail.body and "&amp;" not in mail.body


def test_the_downloaded_receipt_uses_the_readers_colon(fake_gateway, campaign):
    gift_ = give(campaign, "100")
    with translation.override("zh-hans"):
        chinese = render_to_string("payments/donor_accounts/receipt.txt", {"gift": gift_})
    with translation.override("en"):
        english = render_to_string("payments/donor_accounts/receipt.txt", {"gift": gift_})

    assert f"收据编号：{gift_.receipt_number}" in chinese and "金额：" in chinese
    assert f"Receipt number: {gift_.receipt_number}" in english


def test_the_from_address_names_the_site_in_the_mails_language(settings):
    settings.DEFAULT_FROM_EMAIL = "Clearfund <noreply@example.org>"

    assert from_address("zh-hans") == f"{site_name('zh-hans')} <noreply@example.org>"
    assert from_address("en").endswith(" <noreply@example.org>")
    assert "Clearfund <" not in from_address("zh-hans")


def test_no_template_title_repeats_the_site_name():
    # base.html appends the site's name to every title; a template adding its own repeats it
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/templates/**/*.html")
        if ".venv" not in path.parts and re.search(r"\{% block title %\}[^\n]*Clearfund", path.read_text())
    ]
    assert offenders == []


def test_a_declined_charge_is_answered_in_the_readers_language():
    # the processor's English decline, as the charge step receives it
    with translation.override("zh-hans"):
        assert card_error_for_reader("insufficient_funds", "Your card has insufficient funds.") == (
            "这张银行卡余额不足。请换一张卡。"
        )
        assert card_error_for_reader("do_not_honor", "Your card was declined.") == (
            "无法使用这张银行卡。请检查卡片信息，或换一张卡。"
        )
        # no code: the message is ours and already translated
        assert card_error_for_reader("", "付款未能完成。") == "付款未能完成。"
    with translation.override("en"):
        assert card_error_for_reader("card_declined", "Your card was declined.") == "Your card was declined."


def _decoded_subject(mail) -> str:
    import email
    from email import policy

    raw = mail.message().as_bytes(linesep="\r\n")
    return str(email.message_from_bytes(raw, policy=policy.default)["Subject"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_receipts_subject_is_one_line_and_its_header_decodes_without_a_leading_blank(
    fake_gateway, campaign, mailoutbox, language
):
    mail = _receipt(mailoutbox, campaign, language)

    assert mail.subject == mail.subject.strip() and "\n" not in mail.subject
    assert _decoded_subject(mail) == mail.subject
    assert not _decoded_subject(mail).startswith(" ")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "template",
    sorted(
        str(p.relative_to(settings.BASE_DIR))
        for p in Path(settings.BASE_DIR).glob("*/templates/**/*_subject.txt")
    ),
)
def test_every_mail_kinds_subject_is_one_line_and_decodes_as_written(template, language, campaign):
    from campaigns.site_mail import SiteMail

    # given a subject template rendered in the mail's language, with a long Chinese campaign title
    campaign.title = campaign.title_en = "为乡村老人做白内障手术让他们重见光明的公益项目\n第二期"
    with translation.override(language):
        rendered = render_to_string(template.split("templates/", 1)[1], {
            "donation": {"campaign": campaign}, "item": {"campaign": campaign.title, "partner": campaign.title,
            "outcome": campaign.title, "beneficiary": "张三", "update": {"title": "近况\n更新"}}, "items": [1, 2],
        })  # fmt: skip

    # when it is sent as the site sends mails
    mail = SiteMail(rendered, "body", "noreply@clearfund.example", ["li.na@example.cn"])

    # then the subject is one line without blanks around it, and the header decodes to it
    assert mail.subject and mail.subject == mail.subject.strip() and "\n" not in mail.subject
    assert _decoded_subject(mail) == mail.subject


def test_every_mail_is_sent_as_a_site_mail():
    # Django's send_mail and EmailMessage fold a long Chinese subject onto a continuation line.
    sources = [
        p
        for app in ("campaigns", "cms", "payments", "reports", "api")
        for p in Path(settings.BASE_DIR, app).rglob("*.py")
    ]
    offenders = [str(p) for p in sources if re.search(r"from django\.core\.mail import .*\b(send_mail|EmailMessage|EmailMultiAlternatives)\b", p.read_text()) and p.name != "site_mail.py"]  # fmt: skip
    assert offenders == []
