"""Vetting a need whose beneficiary is matched but has no evidence of their own: the verifier is
told where the evidence goes, as an error the screen shows as one, and nothing changes (issue 13:
"请先添加证明材料再核实。" in plain text while the need's own evidence was listed)."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.users.models import UserProfile

from campaigns.models import Beneficiary, BeneficiaryStatus, Need, NeedStatus
from campaigns.money import Money
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.households import beneficiary_propose
from campaigns.verification.needs import need_post
from tests.factories import CampaignFactory
from tests.verification.factories import RegistryPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(verifier):
    beneficiary = beneficiary_propose(actor=verifier, campaign=CampaignFactory(status="live"),
                                      person_id=RegistryPersonFactory().pk, pseudonym="小梅")  # fmt: skip
    need = need_post(actor=verifier, beneficiary=beneficiary, title="书包", kind="school",
                     amount=Money("200", "CNY"))  # fmt: skip
    evidence_add(actor=verifier, need=need, summary="书包照片", dated=date(2026, 12, 2),
                 file=SimpleUploadedFile("bag.jpg", b"jpg"))  # fmt: skip
    return need


def _sign_in(client, user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(User.objects.get(pk=user.pk))


def _errors(html: str) -> str:
    block = re.search(
        r'<div class="help-block help-critical" role="alert" data-testid="form-errors">(.*?)</div>',
        html,
        re.S,
    )
    return block.group(1) if block else ""


def test_vetting_without_the_beneficiarys_evidence_says_where_it_goes_and_changes_nothing(
    client, need, second_verifier
):
    _sign_in(client, second_verifier, "en")
    url = reverse("verification_need_review", args=[need.pk])

    response = client.post(url, {"vet": "1", "note": "Visited the household"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "no evidence of their own yet" in _errors(html)
    assert reverse("verification_beneficiary_verify", args=[need.beneficiary_id]) in html
    need.refresh_from_db()
    assert need.status == NeedStatus.PROPOSED
    assert Beneficiary.objects.get(pk=need.beneficiary_id).status == BeneficiaryStatus.MATCHED


def test_the_chinese_screen_says_it_in_chinese(client, need, second_verifier):
    _sign_in(client, second_verifier, "zh-hans")

    response = client.post(reverse("verification_need_review", args=[need.pk]), {"vet": "1", "note": "已走访"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip

    assert "核实页面" in _errors(response.content.decode())


def test_a_missing_note_is_shown_as_an_error(client, need, second_verifier):
    _sign_in(client, second_verifier, "en")

    response = client.post(reverse("verification_need_review", args=[need.pk]), {"vet": "1", "note": ""},
                           HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip

    assert "Write a note saying what you checked." in _errors(response.content.decode())


def test_with_the_beneficiarys_evidence_the_need_is_vetted(client, need, verifier, second_verifier):
    evidence_add(actor=verifier, beneficiary=need.beneficiary, summary="Registry card seen", dated=date(2026, 12, 2),
                 file=SimpleUploadedFile("card.jpg", b"jpg"))  # fmt: skip
    client.force_login(User.objects.get(pk=second_verifier.pk))

    response = client.post(
        reverse("verification_need_review", args=[need.pk]), {"vet": "1", "note": "Visited"}
    )

    assert response.status_code == 302
    assert Need.objects.get(pk=need.pk).status == NeedStatus.POSTED


def test_every_admin_screen_loads_the_style_for_djangos_own_form_errors(client, second_verifier):
    client.force_login(User.objects.get(pk=second_verifier.pk))

    assert "css/admin.css" in client.get("/admin/").content.decode()


@pytest.mark.parametrize(("language", "shown"), [("en", "Status: Waiting"), ("zh-hans", "状态：")])
def test_the_status_label_is_followed_by_the_languages_colon(client, need, second_verifier, language, shown):
    _sign_in(client, second_verifier, language)

    html = client.get(reverse("verification_need_review", args=[need.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))

    assert shown in text
    assert "状态： " not in text
