"""The webhook inbox's "last outcome or reason" reads as a translated sentence in the admin, never
as the handler's English note or an exception's text (issue 13)."""

import pytest
from django.utils import translation

from payments.webhooks.models import WebhookEvent
from payments.webhooks.notes import note_shown


@pytest.mark.parametrize(
    ("note", "chinese", "english"),
    [
        ("gift 12: succeeded", "捐赠 12：已收到。", "Gift 12: Received."),
        ("gift 12: already captured", "捐赠 12：此前已收到。", "Gift 12: already received."),
        ("refund 3 pending", "退款 3：待处理。", "Refund 3: Pending."),
        ("dispute 4 won", "争议 4：胜诉。", "Chargeback 4: Won."),
        (
            "no gift for this charge yet",
            "等待中：尚无这笔扣款对应的捐赠。",
            "Waiting: no gift for this charge yet.",
        ),
        (
            "refund 3 succeeded; refund 4 pending",
            "退款 3：已退款。 退款 4：待处理。",
            "Refund 3: Refunded. Refund 4: Pending.",
        ),
        (
            "KeyError: 'charge'",
            "处理程序出错；详情见服务器日志。",
            "The handler failed; the server log has the details.",
        ),
    ],
)
def test_each_note_reads_as_a_sentence_in_both_languages(note, chinese, english):
    with translation.override("zh-hans"):
        shown_chinese = note_shown(note)
    with translation.override("en"):
        shown_english = note_shown(note)

    assert (shown_chinese, shown_english) == (chinese, english)


@pytest.mark.django_db
def test_the_admin_list_shows_the_translated_note(client, finance_officer):
    WebhookEvent.objects.create(
        event_id="evt_1", type="charge.refunded", payload={}, error="refund 3 pending"
    )
    client.force_login(finance_officer)

    html = client.get("/admin/webhook_inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "退款 3：待处理。" in html
    assert "refund 3 pending" not in html
