"""Page and site history name the project's review workflow and task in the reader's language,
whatever language the reviewer acted in: Wagtail stores the names as they were shown then
("核查员审核") in the log entry (issue 13)."""

from html import unescape

import pytest
from django.contrib.auth.models import User
from django.utils import translation
from wagtail.log_actions import registry
from wagtail.models import PageLogEntry
from wagtail.users.models import UserProfile


def approval_logged_in_chinese(page) -> PageLogEntry:
    return PageLogEntry.objects.log_action(
        instance=page,
        action="wagtail.workflow.approve",
        data={
            "workflow": {
                "id": 1,
                "title": "项目发布审核",
                "status": "approved",
                "task_state_id": 1,
                "task": {"id": 1, "title": "核查员审核"},
                "next": None,
            },
            "comment": "",
        },
    )


@pytest.mark.django_db
def test_an_approval_made_in_chinese_reads_in_each_readers_language(home):
    entry = approval_logged_in_chinese(home)
    formatter = registry.get_formatter(entry)

    with translation.override("en"):
        assert (
            formatter.format_message(entry)
            == "Approved at 'Verifier review'. 'Campaign publication' complete"
        )
    with translation.override("zh-hans"):
        assert formatter.format_message(entry) == "“核查员审核”已批准，“项目发布审核”已完成"
    # and the stored entry is left as it was
    entry.refresh_from_db()
    assert entry.data["workflow"]["task"]["title"] == "核查员审核"


@pytest.mark.django_db
def test_site_history_in_english_shows_no_chinese_task_name(client, home):
    approval_logged_in_chinese(home)
    admin = User.objects.create_superuser("root", password="x")
    UserProfile.objects.update_or_create(user=admin, defaults={"preferred_language": "en"})
    client.force_login(admin)

    html = unescape(client.get("/admin/reports/site-history/").content.decode())

    assert "Approved at 'Verifier review'. 'Campaign publication' complete" in html
    assert "核查员审核" not in html
