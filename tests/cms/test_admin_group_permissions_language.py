"""The group screen's image and collection permissions read in the admin user's language (issue
13): Wagtail built their labels in the site's language (Chinese) when it was imported."""

import re

import pytest
from django.contrib.auth.models import Group, User
from wagtail.users.models import UserProfile

CJK = re.compile(r"[\u3400-\u9fff]+")


def group_screen(client, *, language: str) -> str:
    admin = User.objects.create_superuser("root", password="x")
    UserProfile.objects.update_or_create(user=admin, defaults={"preferred_language": language})
    client.force_login(admin)
    group = Group.objects.get(name="Editors")
    html = client.get(f"/admin/groups/edit/{group.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    return re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)


@pytest.mark.django_db
def test_an_english_admin_reads_the_image_and_collection_permissions_in_english(client):
    html = group_screen(client, language="en")

    assert "Add/edit images you own" in html and "Select images in choosers" in html
    assert "Add collections" in html and "Delete collections" in html
    assert CJK.findall(html) == []


@pytest.mark.django_db
def test_a_chinese_admin_still_reads_them_in_chinese(client):
    html = group_screen(client, language="zh-hans")

    assert "增加/编辑所属的图片" in html
    assert "Add/edit images you own" not in html
