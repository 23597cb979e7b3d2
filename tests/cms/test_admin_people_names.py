"""People are named in their own language's order on admin screens (issue 13): a Chinese name
family name first with no space ("王芳", never "芳 王"), a Latin one "Given Family"; a screen that
knows a person's name shows it, not their login."""

import re

import pytest
from django.contrib.auth.models import User
from wagtail.admin.utils import get_user_display_name

from campaigns.demo_staff import demo_staff_named
from campaigns.person_names import person_name, user_name


def shown(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("given", "family", "name"),
    [
        ("芳", "王", "王芳"),
        ("建国", "盘", "盘建国"),
        ("Anna", "Smith", "Anna Smith"),
        ("Anna", "", "Anna"),
        ("", "王", "王"),
        (" 芳 ", " 王", "王芳"),
        ("", "", ""),
    ],
)
def test_a_name_reads_in_its_languages_order(given, family, name):
    assert person_name(given=given, family=family) == name


@pytest.mark.django_db
def test_wagtail_and_our_screens_name_a_user_by_the_same_rule():
    # given a Chinese staff member, an English one and one without a name
    wang = User.objects.create_user("wangfang", first_name="芳", last_name="王")
    anna = User.objects.create_user("anna", first_name="Anna", last_name="Smith")
    nameless = User.objects.create_user("finance9")

    # then Django's, Wagtail's and our helper agree, a nameless user reading as their login
    assert [u.get_full_name() for u in (wang, anna, nameless)] == ["王芳", "Anna Smith", ""]
    assert [get_user_display_name(u) for u in (wang, anna, nameless)] == ["王芳", "Anna Smith", "finance9"]
    assert [user_name(u) for u in (wang, anna, nameless, None)] == ["王芳", "Anna Smith", "finance9", ""]


@pytest.mark.django_db
def test_the_demo_staff_read_family_name_first():
    editor = demo_staff_named(User.objects.create_user("editor"))
    assert editor.get_full_name() == "王芳"


@pytest.mark.django_db
def test_wagtails_users_list_names_a_chinese_user_family_name_first(client):
    admin = User.objects.create_superuser("root", password="x", first_name="管理员", last_name="周")
    User.objects.create_user("editor", first_name="芳", last_name="王", is_staff=True)
    client.force_login(admin)

    text = shown(client.get("/admin/users/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())

    assert "王芳" in text and "芳 王" not in text
    assert "周管理员" in text and "管理员 周" not in text


@pytest.mark.django_db
def test_the_release_screen_names_the_verifier_and_approver_not_their_logins(
    client, verifier, finance_officer
):
    from django.urls import reverse

    from tests.builders import approved_release
    from tests.factories import PartnerFactory
    from tests.verification.factories import BeneficiaryFactory, captured_donation

    # given a release verified by 李强 and approved by Anna Smith
    User.objects.filter(pk=verifier.pk).update(first_name="强", last_name="李")
    User.objects.filter(pk=finance_officer.pk).update(first_name="Anna", last_name="Smith")
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    captured_donation(beneficiary.campaign, 500_000)
    release = approved_release(beneficiary=beneficiary, partner=PartnerFactory(),
                               verifier=User.objects.get(pk=verifier.pk),
                               finance_officer=User.objects.get(pk=finance_officer.pk))  # fmt: skip
    client.force_login(User.objects.get(pk=finance_officer.pk))

    # when finance opens it
    text = shown(
        client.get(
            reverse("release_detail", args=[release.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    )

    # then each person reads by name in their language's order
    assert "李强" in text and "强 李" not in text
    assert "Anna Smith" in text
    assert f" {verifier.username} " not in text and f" {finance_officer.username} " not in text
