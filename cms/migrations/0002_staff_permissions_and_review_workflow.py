"""Wagtail permissions for the three staff roles, and the publication workflow on the whole tree.

Editors add and edit pages but cannot publish: every page goes through the "Campaign publication"
workflow, whose only task (CampaignReviewTask) is approved by a Verifier who is not the submitter.
"""

from django.db import migrations

ADMIN = ("wagtailadmin", "access_admin")
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page"]
EDITOR_MODEL_PERMISSIONS = [
    ("campaigns", "add_partner"),
    ("campaigns", "change_partner"),
    ("cms", "change_sitesettings"),
]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
VERIFIER_COLLECTION_PERMISSIONS = [("wagtailimages", "choose_image"), ("wagtaildocs", "choose_document")]


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    CampaignReviewTask = apps.get_model("cms", "CampaignReviewTask")

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    editors, _ = Group.objects.get_or_create(name="Editors")
    verifiers, _ = Group.objects.get_or_create(name="Verifiers")
    finance, _ = Group.objects.get_or_create(name="Finance officers")
    for group in (editors, verifiers, finance):
        group.permissions.add(perm(*ADMIN))
    editors.permissions.add(*[perm(*p) for p in EDITOR_MODEL_PERMISSIONS])

    root = Page.objects.filter(depth=1).first()
    if root is not None:
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editors, page=root, permission=perm("wagtailcore", codename)
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for group, permissions in ((editors, EDITOR_COLLECTION_PERMISSIONS), (verifiers, VERIFIER_COLLECTION_PERMISSIONS)):
            for app_label, codename in permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm(app_label, codename)
                )

    content_type, _ = ContentType.objects.get_or_create(app_label="cms", model="campaignreviewtask")
    task = CampaignReviewTask.objects.filter(name="Verifier review").first()
    if task is None:
        task = CampaignReviewTask.objects.create(name="Verifier review", content_type=content_type, active=True)
    task.groups.add(verifiers)
    workflow, _ = Workflow.objects.get_or_create(name="Campaign publication", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_pages_settings_review_task"),
        ("campaigns", "0002_staff_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
