"""The review workflow and its task are named in the admin user's language, and stored in English
whatever language saved them (ADR 0405)."""

import pytest
from django.utils import translation
from wagtail.models import Task, Workflow

from cms.models import CampaignReviewTask
from tests.cms.test_workflow import draft_page

pytestmark = pytest.mark.django_db


def stored_name(model, pk) -> str:
    return model.objects.filter(pk=pk).values_list("name", flat=True).get()


def read_names() -> tuple[str, ...]:
    workflow = Workflow.objects.get(name="Campaign publication")
    task = CampaignReviewTask.objects.get(name="Verifier review")
    return (str(workflow), task.name, Task.objects.get(pk=task.pk).specific.name)


def test_the_workflow_and_task_read_in_the_language_active_when_loaded():
    with translation.override("zh-hans"):
        chinese = read_names()
    with translation.override("en"):
        english = read_names()[:2]

    assert chinese == ("项目发布审核", "核查员审核", "核查员审核")
    assert all(type(name) is str for name in chinese)  # Workflow.__str__ must return a str
    assert english == ("Campaign publication", "Verifier review")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_saving_keeps_the_english_name(language):
    workflow = Workflow.objects.get(name="Campaign publication")

    with translation.override(language):
        workflow.save()
        Workflow.objects.get(pk=workflow.pk).save()  # the text a form sends back: the shown name
        edited = Workflow.objects.get(pk=workflow.pk)
        edited.name = "项目发布审核"
        edited.save()

    assert stored_name(Workflow, workflow.pk) == "Campaign publication"


def test_a_name_staff_typed_is_kept_as_typed():
    workflow = Workflow.objects.create(name="年度报告审核", active=True)

    assert str(Workflow.objects.get(pk=workflow.pk).name) == "年度报告审核"
    assert stored_name(Workflow, workflow.pk) == "年度报告审核"


def test_the_chinese_editor_is_offered_to_submit_to_the_translated_workflow(client, index, editor):
    page = draft_page(index, editor)
    client.force_login(editor)

    html = client.get(f"/admin/pages/{page.pk}/edit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "项目发布审核" in html
    assert "Campaign publication" not in html


@pytest.mark.parametrize(
    "url", ["/admin/workflows/list/", "/admin/reports/workflow/", "/admin/reports/workflow_tasks/"]
)
def test_the_workflow_lists_and_reports_open_in_chinese(client, admin_user, url):
    # they answered 500 ("__str__ returned non-string") while the names were lazy
    client.force_login(admin_user)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
