"""Staff refused by Wagtail read why in their own admin language, not the site's (issue 13)."""

import pytest
from django.contrib.auth.models import Group, User
from wagtail.users.models import UserProfile

from campaigns.roles import EDITORS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("en", "Sorry, you do not have permission to access this area.", "对不起"),
        ("zh-hans", "对不起，你没有权限访问", "Sorry, you do not have permission"),
    ],
)
def test_a_refused_staff_member_reads_why_in_their_admin_language(client, language, said, not_said):
    # given an editor (no finance role) whose admin language is English, or Chinese
    editor = User.objects.create_user("editor", is_staff=True, first_name="Anna", last_name="Smith")
    editor.groups.add(Group.objects.get_or_create(name=EDITORS)[0])
    UserProfile.objects.update_or_create(user=editor, defaults={"preferred_language": language})
    client.force_login(editor)

    # when they open the finance gift list, on a browser sending the site's default language
    response = client.get("/admin/finance/gifts/", follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")

    # then Wagtail sends them to the dashboard with its refusal in their admin language
    assert response.redirect_chain[0][0] == "/admin/"
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert said in messages[0] and not_said not in messages[0]
