"""Finance screens (issue 13): the gift list is newest first by the date it shows, the offline
refunds screen dates everything in the admin's one format, and names people by name."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.site_time import site_today
from payments.offline.models import OfflineChannel, OfflineRefundMethod
from payments.offline.refunds import offline_refund_record
from payments.offline.services import offline_gift_confirm, offline_gift_record
from payments.refunds.selectors import finance_gift_rows
from tests.payments.conftest import cny
from tests.payments.factories import give
from tests.payments.matching_helpers import officer

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def named_officer(username: str, *, given: str, family: str) -> User:
    user = officer(username)
    user.first_name, user.last_name = given, family
    user.save(update_fields=["first_name", "last_name"])
    return user


def cash_gift(campaign, *, reference: str, received_on, recorder="finance-a"):
    gift = offline_gift_record(
        campaign=campaign, amount=cny("200"), channel=OfflineChannel.CASH, place="江华县大石桥村服务站",
        reference=reference, received_on=received_on, actor=officer(recorder),
    )  # fmt: skip
    offline_gift_confirm(gift=gift, actor=officer("finance-b"))
    gift.refresh_from_db()
    return gift


def test_the_gift_list_is_newest_first_by_the_day_it_shows(fake_gateway, campaign):
    # given a cash gift received yesterday and recorded first, then one received ten days ago
    # recorded after it, and a card gift made today
    yesterday = cash_gift(campaign, reference="JH-0001", received_on=site_today() - timedelta(days=1))
    long_ago = cash_gift(campaign, reference="JH-0002", received_on=site_today() - timedelta(days=10))
    card = give(campaign, "300", email="card.donor@example.cn")

    # when finance lists the gifts
    with CaptureQueriesContext(connection) as queries:
        rows = finance_gift_rows()

    # then the list reads today's card gift, yesterday's cash, then the one of ten days ago
    assert [gift.pk for gift, _donor in rows] == [card.pk, yesterday.donation_id, long_ago.donation_id]
    # and the order is the database's: one query, whatever the number of rows
    assert len(queries) == 1


def test_the_offline_refunds_screen_dates_the_gift_choice_as_the_list_and_names_the_recorder(
    client, campaign, fake_gateway
):
    # given a cash gift received on 27 November and a refund of it recorded by 王芳
    received = site_today() - timedelta(days=5)
    gift = cash_gift(campaign, reference="JH-0003", received_on=received)
    recorder = named_officer("finance-c", given="芳", family="王")
    offline_refund_record(gift=gift, amount=cny("50"), method=OfflineRefundMethod.CASH, reference="TK-1",
                          reason="捐赠人要回", actor=recorder)  # fmt: skip
    client.force_login(named_officer("finance-d", given="敏", family="张"))

    # when finance opens the offline refunds screen in Chinese
    html = client.get("/admin/offline/refunds/", **ZH).content.decode()

    # then the gift to choose is dated in the admin's format, as dates are on the rest of the screen
    chinese_day = f"{received.year}年{received.month}月{received.day}日"
    option = re.search(rf'<option value="{gift.pk}"[^>]*>([^<]*)</option>', html).group(1)
    assert chinese_day in option
    assert received.isoformat() not in re.sub(r"<input[^>]*>", "", html)
    # and the refund's recorder reads by name, family name first, never by login
    assert "王芳" in html and "finance-c" not in html
