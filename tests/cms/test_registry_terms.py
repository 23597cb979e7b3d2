"""The registry's own words (school stage, health condition) read in the staff member's language
on the registry screens and the verification screen (issue 13: "高中/义务教育" on the English
admin)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.users.models import UserProfile

from campaigns.models import RegistryPerson
from campaigns.registry.validation import SCHOOL_STAGES
from tests.verification.factories import RegistryPersonFactory

pytestmark = pytest.mark.django_db


def _admin(client, language: str):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    user = User.objects.create_superuser(f"root-{language}", password="x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    return client


def _text(response) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_english_registry_list_reads_school_stages_and_conditions_in_english(client):
    RegistryPersonFactory(school_stage="高中", health_condition="")
    RegistryPersonFactory(school_stage="", health_condition="白内障")

    text = _text(_admin(client, "en").get("/admin/registry/"))

    assert "Senior high school (高中)" in text
    assert "Cataract (白内障)" in text
    assert " 高中 " not in text and " 白内障 " not in text


def test_the_chinese_registry_list_reads_the_registrys_own_words(client):
    RegistryPersonFactory(school_stage="义务教育", health_condition="白内障")

    text = _text(_admin(client, "zh-hans").get("/admin/registry/"))

    assert " 义务教育 " in text and " 白内障 " in text
    assert "Compulsory" not in text and "Cataract" not in text


def test_the_english_inspect_screen_reads_the_school_stage_in_english(client):
    person = RegistryPersonFactory(school_stage="中职", health_condition="")

    text = _text(_admin(client, "en").get(f"/admin/registry/inspect/{person.pk}/"))

    assert "Secondary vocational school (中职)" in text


def test_a_condition_the_registry_names_rarely_is_shown_as_written_and_marked_for_english_readers():
    person = RegistryPerson(health_condition="哮喘")

    with translation.override("en"):
        assert person.get_health_condition_display() == "哮喘 (written in Chinese)"
    with translation.override("zh-hans"):
        assert person.get_health_condition_display() == "哮喘"


def test_every_school_stage_the_import_accepts_has_a_label_and_nothing_else_is_stored(client):
    person = RegistryPersonFactory()
    person.school_stage = "研究生"

    with pytest.raises(ValidationError):
        person.full_clean(exclude=["household", "id_hash", "name", "id_number"])
    with translation.override("en"):
        for stage in SCHOOL_STAGES - {""}:
            person.school_stage = stage
            assert person.get_school_stage_display() != stage
