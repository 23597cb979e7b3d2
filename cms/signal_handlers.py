"""Wagtail workflow and publishing signals → ``cms.services`` (thin: no rules here)."""

from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import copy_for_translation_done, page_published, workflow_submitted

from cms.services import campaign_page_ensure_record, page_review_submitted


@receiver(workflow_submitted)
def submit_campaign_with_page(sender, instance, user=None, **kwargs):
    obj = instance.content_object
    if isinstance(obj, Page):
        page_review_submitted(page=obj.specific, actor=user)


@receiver(page_published)
def link_campaign_on_publish(sender, instance, revision=None, **kwargs):
    # A page created and published in one step (superusers) gets its record too; publishing alone
    # never changes a Campaign's status or terms: only an approved review does.
    campaign_page_ensure_record(page=instance.specific, actor=getattr(revision, "user", None))


@receiver(copy_for_translation_done)
def link_translation_to_campaign(sender, source_obj, target_obj, **kwargs):
    if isinstance(target_obj, Page):
        campaign_page_ensure_record(page=target_obj.specific, actor=None)
