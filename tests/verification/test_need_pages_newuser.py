"""The needs board's pages as a new user saw them (issue 12): the hold time names its zone on the
need page, and the payment page carries the honeypot hidden, the donate panel's look and the card
error messages in the page's language."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaigns.money import Money
from campaigns.verification.needs import need_post, need_vet
from tests.verification.factories import BeneficiaryFactory, RegistryPersonFactory


@pytest.fixture(autouse=True)
def _fresh_counters():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def need(verifier, second_verifier):
    person = RegistryPersonFactory(name="盘秀英", phone="13912345678")
    beneficiary = BeneficiaryFactory(registry_person=person, pseudonym="盘奶奶", verified_by=verifier)
    proposed = need_post(actor=verifier, beneficiary=beneficiary, title="A wheelchair", kind="mobility",
                         amount=Money("800", "CNY"))  # fmt: skip
    return need_vet(actor=second_verifier, need=proposed, note="Visited")


def _path(name: str, need, language: str = "zh-hans") -> str:
    with translation.override(language):
        return reverse(name, kwargs={"pk": need.pk})


def _claim(client, need):
    return client.post(reverse("payments:need_claim", kwargs={"pk": need.pk}), {"donor_alias": "A teacher"})


@pytest.mark.parametrize(
    ("language", "words", "zone"),
    [("zh-hans", "已为认领人保留至", r"（UTC\+8）"), ("en", "Held for payment until", r" \(UTC\+8\)")],
)  # the zone in the language's brackets (ADR 0417)
def test_the_need_page_names_the_zone_of_the_hold_time(client, need, language, words, zone):
    # given a need held for the donor who claimed it
    _claim(client, need)

    # when anyone reads its page
    html = client.get(_path("payments:need_detail", need, language)).content.decode()

    # then the hold time says which zone it is in (as the payment page does)
    assert re.search(re.escape(words) + r" (\d{4}-\d\d-\d\d )?\d\d:\d\d" + zone, html), html


def test_the_payment_page_is_a_donate_panel_with_its_honeypot_and_chinese_card_errors(client, need):
    _claim(client, need)

    html = client.get(_path("payments:need_pay", need)).content.decode()

    form = html.split('id="donate-form"', 1)[1].split(">", 1)[0]
    assert 'class="donate-panel"' in form and 'data-stripe-locale="zh"' in form
    assert 'data-card-error-card-declined="您的银行卡被拒绝。' in form
    # the trap stays in the page for bots, inside the block the style sheet moves off screen
    assert '<div class="donate-hp" aria-hidden="true"><label>' in html and 'name="website"' in html


def test_the_honeypot_is_hidden_wherever_it_is():
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()

    assert re.search(r"^\.donate-hp \{ position: absolute; left: -5000px;", css, re.M)
