"""The webhook inbox names each provider event in the reader's language ("银行卡付款成功"), never by
the provider's code ("payment_intent.succeeded") alone; the code stays folded under "technical
detail" for engineers (new-user check, issue 13, ADR 0417)."""

import re

import pytest
from django.utils import translation

from payments.webhooks.event_types import EVENT_TYPE_LABELS, event_type_label
from payments.webhooks.models import WebhookEvent, WebhookStatus
from payments.webhooks.services import HANDLERS

CODE = re.compile(r"\b[a-z_]+\.[a-z_.]+\b")


def shown_outside_details(html: str) -> str:
    """The text a reader sees without unfolding anything (scripts and folded details left out)."""
    html = re.sub(r"<(script|style|template|details)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_handled_type_has_a_label_in_both_languages():
    assert set(HANDLERS) <= set(EVENT_TYPE_LABELS)
    with translation.override("zh-hans"):
        chinese = {code: event_type_label(code) for code in HANDLERS}
    with translation.override("en"):
        english = {code: event_type_label(code) for code in HANDLERS}

    assert chinese["payment_intent.succeeded"] == "银行卡付款成功"
    assert english["charge.refunded"] == "Charge refunded"
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in chinese.values()), chinese
    assert not any(CODE.search(label) for label in [*chinese.values(), *english.values()])


def test_a_type_not_handled_reads_as_another_event():
    with translation.override("zh-hans"):
        assert event_type_label("customer.created") == "其他支付服务商事件"


@pytest.mark.django_db
def test_the_inbox_list_and_filter_show_labels_with_the_code_folded(client, finance_officer):
    WebhookEvent.objects.create(event_id="evt_1", type="payment_intent.succeeded", payload={})
    WebhookEvent.objects.create(
        event_id="evt_2", type="customer.created", payload={}, status=WebhookStatus.IGNORED
    )
    client.force_login(finance_officer)

    html = client.get("/admin/webhook_inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    listing = shown_outside_details(html.split('class="listing', 1)[1])
    assert "银行卡付款成功" in listing and "其他支付服务商事件" in listing
    assert not CODE.search(listing), CODE.findall(listing)
    # the code is there for engineers, folded
    assert re.search(
        r"<details[^>]*><summary>技术细节</summary><code[^>]*>payment_intent\.succeeded</code>", html
    )
    # the filter offers the types by their labels and still filters by the code
    assert re.search(r'<option value="payment_intent\.succeeded"[^>]*>\s*银行卡付款成功\s*</option>', html)
    filtered = client.get(
        "/admin/webhook_inbox/?type=customer.created", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "evt_2" in filtered and "evt_1" not in filtered


@pytest.mark.django_db
def test_the_inspect_screen_and_its_title_name_the_event_by_its_label(client, finance_officer):
    event = WebhookEvent.objects.create(event_id="evt_1", type="charge.refunded", payload={})
    client.force_login(finance_officer)

    html = client.get(
        f"/admin/webhook_inbox/inspect/{event.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "扣款已退款" in shown_outside_details(html)
    assert "charge.refunded" not in shown_outside_details(html)
    with translation.override("zh-hans"):
        assert str(event) == "evt_1 扣款已退款 · 已收到"
