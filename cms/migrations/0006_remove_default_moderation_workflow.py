"""Wagtail's own "Moderators approval" workflow and task (made by its migration 0048 from the
publish permissions it found) are not the project's review: campaign pages go through "Campaign
publication" (ADR 0103), and the English-named default only showed up in the admin's workflow
lists (issue 13). Removed when nothing ever ran through it; otherwise only disabled, so its history
stays readable."""

from django.db import migrations

DEFAULT_NAME = "Moderators approval"


def forwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    for workflow in Workflow.objects.filter(name=DEFAULT_NAME):
        if WorkflowState.objects.filter(workflow=workflow).exists():
            workflow.active = False
            workflow.save(update_fields=["active"])
        else:
            workflow.delete()  # its WorkflowTask and WorkflowPage rows go with it
    for task in GroupApprovalTask.objects.filter(name=DEFAULT_NAME):
        if (
            TaskState.objects.filter(task_id=task.pk).exists()
            or WorkflowTask.objects.filter(task_id=task.pk).exists()
        ):
            task.active = False
            task.save(update_fields=["active"])
        else:
            task.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_fundraising_compliance"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
