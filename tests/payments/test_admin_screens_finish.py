"""The finance admin screens read as admin screens, in the reader's language (issue 13): the gift
list in Wagtail's admin, an offline donor by how they gave (never the placeholder address), the
language's colon after every form label, the site's zone named in words, the sidebar's
screen-reader text in Chinese."""

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from campaigns.site_time import site_today
from payments.offline.models import OfflineChannel
from payments.offline.services import offline_gift_confirm, offline_gift_record
from tests.payments.conftest import cny
from tests.payments.factories import give
from tests.payments.matching_helpers import officer

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ASCII_COLON_AFTER_CJK = re.compile(r"[\u3400-\u9fff）]:")


def offline_gift(campaign, *, reference: str, donor_name: str = ""):
    gift = offline_gift_record(
        campaign=campaign, amount=cny("200"), channel=OfflineChannel.CASH, place="江华县大石桥村服务站",
        reference=reference, received_on=site_today(), donor_name=donor_name, actor=officer("finance-a"),
    )  # fmt: skip
    offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    return gift


def test_the_gift_list_is_an_admin_screen_naming_offline_donors_by_how_they_gave(
    client, fake_gateway, campaign, finance_officer
):
    # given a card gift, an offline gift with no donor's name and one with the payer's name
    give(campaign, "300", email="card.donor@example.cn")
    offline_gift(campaign, reference="JH-0001")
    offline_gift(campaign, reference="JH-0002", donor_name="赵大爷")
    client.force_login(finance_officer)

    # when finance opens 捐款与退款 (the old public address leads there)
    old = client.get(reverse("payments:finance_gifts_moved"), follow=True, **ZH)
    response = client.get("/admin/finance/gifts/", **ZH)

    html = response.content.decode()
    assert old.redirect_chain[-1][0] == "/admin/finance/gifts/"
    # then it is Wagtail's admin (its sidebar and header), titled as its menu item, with its table style
    assert "wagtail-sidebar-props" in html and 'class="site-header' not in html
    assert re.search(r"<h1[^>]*>.*捐款与退款.*</h1>", html, re.S)
    assert '<table class="listing"' in html
    # and each donor reads as who gave, never the placeholder address of an offline donor
    assert "card.donor@example.cn" in html
    assert "<td>线下捐款（村服务站现金）</td>" in html
    assert "<td>赵大爷 · 线下捐款（村服务站现金）</td>" in html
    assert "offline.invalid" not in html


def test_an_offline_gift_in_the_gift_list_is_dated_when_received_and_refunded_offline(
    client, fake_gateway, campaign, finance_officer
):
    from datetime import timedelta

    # given a card gift and a cash gift taken four days before it was confirmed
    card = give(campaign, "300", email="card.donor@example.cn")
    received = site_today() - timedelta(days=4)
    gift = offline_gift_record(
        campaign=campaign, amount=cny("200"), channel=OfflineChannel.CASH, place="江华县大石桥村服务站",
        reference="JH-0009", received_on=received, actor=officer("finance-a"),
    )  # fmt: skip
    offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    client.force_login(finance_officer)

    html = client.get("/admin/finance/gifts/", **ZH).content.decode()

    # then the cash gift's row gives the day the station took it and leads to the offline refunds,
    # never to the provider's refund (which refuses an offline gift)
    row = re.search(r"<tr>(?:(?!</tr>).)*线下捐款(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert f"<td>{received.year}年{received.month}月{received.day}日</td>" in row
    assert 'href="/admin/offline/refunds/"' in row and "/refund/" not in row.replace("/refunds/", "")
    gift.refresh_from_db()
    assert f"/admin/finance/gifts/{gift.donation.public_id}/refund/" not in html
    # and the card gift keeps its refund screen
    assert f"/admin/finance/gifts/{card.public_id}/refund/" in html


def test_the_gift_list_is_for_finance_only(client, editor):
    """As every admin screen: Wagtail answers a refusal with the dashboard and its message."""
    client.force_login(editor)
    response = client.get("/admin/finance/gifts/")
    assert (response.status_code, response.url) == (302, "/admin/")


@pytest.mark.parametrize(
    "url", ["/admin/offline/", "/admin/offline/refunds/", "/admin/reports/", "/admin/finance/exports/"]
)
def test_admin_forms_write_the_chinese_colon_after_a_label(client, finance_officer, url):
    client.force_login(finance_officer)
    html = client.get(url, **ZH).content.decode()
    labels = re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    assert labels
    assert [label for label in labels if ASCII_COLON_AFTER_CJK.search(label)] == []


def test_any_django_form_takes_the_languages_colon():
    """Not only ``LabelledForm``: a plain Django form (Django's own Chinese keeps ":")."""

    class PlainForm(forms.Form):
        amount = forms.CharField(label="金额")
        question = forms.CharField(label="有什么问题？")

    with translation.override("zh-hans"):
        chinese = PlainForm().as_p()
    with translation.override("en"):
        english = PlainForm().as_p()

    assert '<label for="id_amount">金额：</label>' in chinese
    assert '<label for="id_question">有什么问题？</label>' in chinese  # no colon after a question mark
    assert '<label for="id_amount">金额:</label>' in english


def test_the_exports_page_names_the_zone_in_the_readers_language(client, finance_officer):
    client.force_login(finance_officer)
    html = client.get("/admin/finance/exports/", **ZH).content.decode()
    assert "Asia/Shanghai" not in html
    assert "本站时区：北京时间（UTC+8）" in html


def test_the_sidebar_screen_reader_text_is_chinese(client, finance_officer):
    client.force_login(finance_officer)
    catalogue = client.get("/admin/jsi18n/", **ZH).content.decode("unicode_escape")
    assert "（此菜单中有 %(number)s 个新项目）" in catalogue
    assert "（此菜单中有 1 个新项目）" in catalogue


@pytest.mark.parametrize("url", ["/admin/offline/", "/admin/finance/exports/"])
def test_date_pickers_hold_an_iso_date_the_browser_accepts_in_chinese(client, finance_officer, url):
    """``<input type="date">`` only takes yyyy-mm-dd: the Chinese format ("2026/12/02") left the
    received-date field empty in the browser."""
    client.force_login(finance_officer)
    html = client.get(url, **ZH).content.decode()
    pickers = re.findall(r'<input type="date"[^>]*>', html)
    assert pickers
    values = [re.search(r'value="([^"]*)"', p).group(1) for p in pickers if "value=" in p]
    assert values and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values), values
