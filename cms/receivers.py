"""Signal receivers of the CMS, connected by ``CmsConfig.ready`` through ``connect()``.

Two kinds, both thin (the rules live in ``cms.services`` and ``cms.selectors``):

- Wagtail's workflow and publishing signals keep a campaign page and its ``Campaign`` record
  together (ADR 0100): a page sent for review submits its campaign, a published or translated
  campaign page gets its record.
- The cached site header (``cms.selectors.header_cache_bump``) starts a new generation when a
  page, site, locale, site setting or view restriction changes (ADR 0101).

Every receiver names its senders: the page models are only known once all apps are loaded, so
``connect()`` runs from ``ready()`` rather than at import time.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale, Page, PageViewRestriction, Site, WorkflowState, get_page_models
from wagtail.signals import (
    copy_for_translation_done,
    page_published,
    page_unpublished,
    post_page_move,
    workflow_submitted,
)

from cms import selectors
from cms.services import campaign_page_ensure_record, campaign_page_published, page_review_submitted


def submit_campaign_with_page(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    obj = instance.content_object
    if isinstance(obj, Page):
        page_review_submitted(page=obj.specific, actor=user)


def link_campaign_on_publish(sender, instance: Page, revision=None, **kwargs) -> None:
    # A page created and published in one step (superusers) gets its record too; an English page
    # gives the Campaign its English title (ADR 0403).
    campaign_page_published(page=instance.specific, actor=getattr(revision, "user", None))


def link_translation_to_campaign(sender, source_obj, target_obj, **kwargs) -> None:
    if isinstance(target_obj, Page):
        campaign_page_ensure_record(page=target_obj.specific, actor=None)


def header_changed(sender, **kwargs) -> None:
    """Pages published, unpublished, moved, saved or deleted (tree edits, menu flags), sites,
    locales, settings, view restrictions (``cms.routing`` caches whether any exists)."""
    selectors.header_cache_bump()


def header_models() -> list[type]:
    """Every model whose rows the cached header reads: all page types and the site's records."""
    from cms.models import SiteSettings

    return [*get_page_models(), Site, Locale, SiteSettings, PageViewRestriction]


def connect() -> None:
    """Connect the receivers above, each to its concrete senders. Idempotent (``dispatch_uid``)."""
    from cms.models import CampaignPage

    workflow_submitted.connect(
        submit_campaign_with_page, sender=WorkflowState, dispatch_uid="cms.submit_campaign"
    )
    page_published.connect(link_campaign_on_publish, sender=CampaignPage, dispatch_uid="cms.link_campaign")
    copy_for_translation_done.connect(
        link_translation_to_campaign, sender=CopyPageForTranslationAction, dispatch_uid="cms.link_translation"
    )
    for page_model in get_page_models():
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(header_changed, sender=page_model, dispatch_uid="cms.header_on_page_event")
    for model in header_models():
        for signal in (post_save, post_delete):
            signal.connect(header_changed, sender=model, dispatch_uid="cms.header_on_record_change")
