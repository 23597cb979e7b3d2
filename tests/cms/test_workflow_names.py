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


def test_the_workflow_and_task_read_in_the_active_language():
    workflow = Workflow.objects.get(name="Campaign publication")
    task = CampaignReviewTask.objects.get(name="Verifier review")

    with translation.override("zh-hans"):
        chinese = (str(workflow.name), str(task.name), str(Task.objects.get(pk=task.pk).specific.name))
    with translation.override("en"):
        english = (str(workflow.name), str(task.name))

    assert chinese == ("项目发布审核", "核查员审核", "核查员审核")
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
