"""A need's description has an English twin: the field officer's form and the admin fill it, the
need page reads it in the reader's language and marks a missing one (ADR 0403, issue 13)."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaigns.models import Need
from campaigns.money import Money
from campaigns.verification.needs import need_post, need_vet
from tests.factories import CampaignFactory
from tests.verification.factories import BeneficiaryFactory, RegistryPersonFactory
from tests.verification.test_field_officers_and_partners import household  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_field_officer_form_stores_the_english_twins(client, field_officer, household):  # noqa: F811
    _home, grandmother, _grandson = household
    campaign = CampaignFactory(status="live")
    client.force_login(User.objects.get(pk=field_officer.pk))

    client.post(reverse("verification_need_post"), {
        "post": "1", "person": grandmother.pk, "campaign": campaign.pk, "pseudonym": "盘奶奶",
        "title": "轮椅一台", "title_en": "A wheelchair", "kind": "mobility", "amount": "800",
        "description": "老人走不到村卫生室。", "description_en": "She cannot walk to the clinic.",
        "photo": SimpleUploadedFile("need.jpg", b"jpg"),
    })  # fmt: skip

    need = Need.objects.get()
    assert (need.title, need.title_en) == ("轮椅一台", "A wheelchair")
    assert (need.description, need.description_en) == (
        "老人走不到村卫生室。",
        "She cannot walk to the clinic.",
    )


@pytest.fixture
def public_need(verifier, second_verifier):
    beneficiary = BeneficiaryFactory(
        registry_person=RegistryPersonFactory(), pseudonym="盘奶奶", verified_by=verifier
    )
    need = need_post(actor=verifier, beneficiary=beneficiary, title="轮椅一台", kind="mobility",
                     amount=Money("800", "CNY"), description="老人走不到村卫生室。")  # fmt: skip
    return need_vet(actor=second_verifier, need=need, note="Visited")


def description_on(client, url: str) -> str:
    html = client.get(url).content.decode()
    start = html.index('data-testid="need-description">')
    return html[start : html.index("</p>", start)]


def test_the_need_page_reads_the_description_in_the_reader_language(client, public_need):
    urls = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            urls[language] = reverse("payments:need_detail", kwargs={"pk": public_need.pk})
    untranslated = description_on(client, urls["en"])
    Need.objects.filter(pk=public_need.pk).update(description_en="She cannot walk to the clinic.")

    english, chinese = description_on(client, urls["en"]), description_on(client, urls["zh-hans"])

    assert "She cannot walk to the clinic." in english and "村卫生室" not in english
    assert "老人走不到村卫生室。" in chinese
    assert 'lang="zh-Hans"' in untranslated and "not yet translated" in untranslated


def test_the_page_of_an_open_need_leads_to_its_claim_on_the_board(client, public_need):
    with translation.override("zh-hans"):
        url = reverse("payments:need_detail", kwargs={"pk": public_need.pk})
        board = reverse("payments:needs_board")

    html = client.get(url).content.decode()

    assert f'data-testid="fund-need" href="{board}#need-{public_need.pk}"' in html
    assert f'id="need-{public_need.pk}"' in client.get(board).content.decode()
