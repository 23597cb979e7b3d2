"""A need's stages on its public page carry their date (issue 13): "Posted · 22:19 (UTC+8)" was a
time without a day, beside earlier stages that had one."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.money import Money
from campaigns.site_time import site_zone
from campaigns.verification.needs import need_post, need_vet
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "zone"), [("en", r" \(UTC\+8\)"), ("zh-hans", r"（UTC\+8）")])
def test_a_stage_reached_today_shows_its_date_and_time_in_the_site_zone(
    client, verifier, second_verifier, language, zone
):
    # given a need posted today
    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", verified_by=verifier)
    proposed = need_post(actor=verifier, beneficiary=beneficiary, title="A wheelchair", kind="mobility",
                         amount=Money("800", "CNY"))  # fmt: skip
    need = need_vet(actor=second_verifier, need=proposed, note="Visited")
    today = timezone.localtime(timezone.now(), site_zone()).strftime("%Y-%m-%d")

    # when anyone reads its page
    with translation.override(language):
        path = reverse("payments:need_detail", kwargs={"pk": need.pk})
    html = client.get(path).content.decode()

    # then every stage reached shows its date and time in the site's zone, as on other days
    stages = html.split('data-testid="need-stages"', 1)[1].split("</ol>", 1)[0]
    times = re.findall(r"</strong> · ([^<]*)", stages)
    assert times, stages
    assert all(re.fullmatch(re.escape(today) + r" \d\d:\d\d" + zone, moment.strip()) for moment in times), (
        times
    )
