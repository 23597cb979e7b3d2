"""The audit log's inspect screen shows an event's details as a labelled list in the staff
member's language, and names the actor by name (issue 13)."""

import re

import pytest
from django.contrib.auth.models import User
from wagtail.users.models import UserProfile

from campaigns.models import AuditEvent, Campaign


def shown(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def admin_client(client, *, language: str):
    user = User.objects.create_superuser("root", password="x", first_name="芳", last_name="王")
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": language})
    client.force_login(user)
    return client


def main(html: str) -> str:
    return shown(html.split("<main", 1)[1])


@pytest.mark.django_db
def test_a_matchs_details_read_as_labelled_money_and_records_in_chinese(client):
    # given a match of gift 26 from pool 1, recorded by a finance officer
    staff = admin_client(client, language="zh-hans")
    actor = User.objects.get(username="root")
    event = AuditEvent.objects.create(
        actor=actor,
        action="match.made",
        subject_type="payments.PoolMatch",
        subject_id="9",
        data={"pool": 1, "donation": 26, "amount_minor": 50000},
    )

    # when a Chinese-speaking staff member inspects it
    text = main(staff.get(f"/admin/audit_log/inspect/{event.pk}/").content.decode())

    # then each detail has its label, the amount is money and the records are named
    assert "配捐池 配捐池 1" in text
    assert "捐款 捐款 26" in text
    assert "金额 ¥500" in text
    assert "{" not in text and "amount_minor" not in text and "50000" not in text
    # and the actor is named family name first, unspaced, not by login
    assert "王芳" in text and "芳 王" not in text


@pytest.mark.django_db
def test_details_read_in_english_with_choices_dates_and_nested_values(client):
    # given a campaign whose terms changed, and a gift moved to another campaign
    staff = admin_client(client, language="en")
    changed = AuditEvent.objects.create(
        action="campaign.terms_changed",
        subject_type="campaigns.Campaign",
        subject_id="404",
        data={
            "before": {"goal_minor": 300000, "deadline": "2026-11-27"},
            "after": {"goal_minor": 450000, "deadline": "2026-12-31"},
            "credit_lines": 3,
        },
    )
    moved = AuditEvent.objects.create(
        action="campaign.in_review",
        subject_type="campaigns.Campaign",
        subject_id="404",
        data={"from": "draft", "to": "in_review", "stages": [100000, 250000], "active": True},
    )

    # when an English-speaking staff member inspects them
    first = main(staff.get(f"/admin/audit_log/inspect/{changed.pk}/").content.decode())
    second = main(staff.get(f"/admin/audit_log/inspect/{moved.pk}/").content.decode())

    # then nested values read as labelled lists, dates in the admin's format, keys humanised
    assert "Before Deadline 27 Nov 2026 Goal ¥3,000 After Deadline 31 Dec 2026 Goal ¥4,500" in first
    assert "Money-in lines 3" in first
    assert "Credit lines" not in first and "_" not in re.sub(r"\S*_\S*\.(js|css)", "", first)
    # and stored codes read as their labels, amounts in a list as money, a yes as Yes
    draft = dict(Campaign._meta.get_field("status").flatchoices)
    assert f"From {draft['draft']} To {draft['in_review']}" in second
    assert "Stages ¥1,000 ¥2,500" in second
    assert "Active Yes" in second


@pytest.mark.django_db
def test_an_unknown_key_reads_as_words_and_a_record_with_a_screen_is_linked(client):
    from campaigns.audit_details import audit_details_html

    # given an event with a key nobody labelled and a reference to a user
    staff = admin_client(client, language="en")
    owner = User.objects.create_user("anna", first_name="Anna", last_name="Smith")
    event = AuditEvent.objects.create(
        action="supporter_page.started",
        subject_type="payments.SupporterPage",
        subject_id="1",
        data={"owner": owner.pk, "late_fee_waived": False, "title_en": "Wheelchair (for Grandma Pan)"},
    )

    # when it is inspected
    text = main(staff.get(f"/admin/audit_log/inspect/{event.pk}/").content.decode())

    # then the key reads as words, the person by name and written text as quoted
    assert "Late fee waived No" in text
    assert "“Wheelchair (for Grandma Pan)”" in text
    assert "Started by Anna Smith" in text
    # and an event without details reads as a dash
    empty = AuditEvent.objects.create(action="need.vetted", subject_type="campaigns.Need", subject_id="1")
    assert audit_details_html(empty) == "—"


@pytest.mark.django_db
def test_the_audit_list_names_the_actor(client):
    # given an event made by a staff member with a Chinese name
    staff = admin_client(client, language="zh-hans")
    AuditEvent.objects.create(
        actor=User.objects.get(username="root"),
        action="need.vetted",
        subject_type="campaigns.Need",
        subject_id="1",
    )

    # when the list is shown
    text = main(staff.get("/admin/audit_log/").content.decode())

    # then the actor column names them, not their login
    assert "王芳" in text
    assert " root " not in text
