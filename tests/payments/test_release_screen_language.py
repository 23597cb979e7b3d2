"""The release screen in the finance officer's language (issue 13): the outcome names the
beneficiary by their English pseudonym on an English screen, and approving during the public
notice says when the notice ends, in a banner with Wagtail's warning icon."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from campaigns.site_time import site_datetime_text
from payments.releases.models import ReleaseStatus
from tests.builders import verified_milestone
from tests.verification.factories import BeneficiaryFactory, captured_donation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def release(verifier):
    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", pseudonym_en="Grandma Pan", verified_by=verifier)
    captured_donation(beneficiary.campaign, 300_000)
    return verified_milestone(beneficiary=beneficiary, verifier=verifier, notice=timedelta(hours=24)).release


def _sign_in(client, user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def _alert(html: str) -> str:
    return re.search(r'<div class="help-block help-critical" role="alert">(.*?)</div>', html, re.S).group(1)


def test_the_english_release_screen_names_the_beneficiary_in_english(client, release, finance_officer):
    html = (
        _sign_in(client, finance_officer, "en")
        .get(reverse("release_detail", args=[release.pk]))
        .content.decode()
    )

    assert "Grandma Pan" in html
    assert "盘奶奶" not in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_approving_during_the_notice_says_when_it_ends(client, release, finance_officer, language):
    response = _sign_in(client, finance_officer, language).post(reverse("release_detail", args=[release.pk]),
                                                                 {"approve": "1"})  # fmt: skip

    alert = _alert(response.content.decode())
    with translation.override(language):
        assert site_datetime_text(release.notice_ends_at) in alert
    assert "icon-warning" in alert
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REQUESTED


def test_the_verifiers_chinese_note_and_evidence_are_marked_on_the_english_screen(
    client, release, finance_officer
):
    from campaigns.models import Evidence

    milestone = release.milestone
    milestone.verification_note = "术后随访：视力恢复。"
    milestone.save(update_fields=["verification_note"])
    Evidence.objects.filter(milestone=milestone).update(summary="出院小结", summary_en="")

    html = (
        _sign_in(client, finance_officer, "en")
        .get(reverse("release_detail", args=[release.pk]))
        .content.decode()
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))

    assert "术后随访：视力恢复。 (written in Chinese)" in text
