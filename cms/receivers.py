"""Signal receivers of the CMS, connected by ``CmsConfig.ready`` through ``connect()``.

Two kinds, both thin (the rules live in ``cms.services`` and ``cms.selectors``):

- Wagtail's workflow and publishing signals keep a campaign page and its ``Campaign`` record
  together (ADR 0100, 0103): publishing an approved revision applies it, a cancelled review
  withdraws the campaign, a published or translated campaign page gets its record (entering
  review is ``CampaignReviewTask.start``), a page unpublished outside the admin closes a campaign
  that takes gifts.
- The cached site header (``cms.selectors.header_cache_bump``) starts a new generation when a
  page, site, locale, site setting or view restriction changes (ADR 0101).

Every receiver names its senders: the page models are only known once all apps are loaded, so
``connect()`` runs from ``ready()`` rather than at import time.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save, pre_save
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import (
    GroupApprovalTask,
    Locale,
    Page,
    PageViewRestriction,
    Site,
    Task,
    Workflow,
    WorkflowState,
    get_page_models,
)
from wagtail.signals import (
    copy_for_translation_done,
    page_published,
    page_unpublished,
    post_page_move,
    workflow_cancelled,
)

from cms import selectors, workflow_names
from cms.services import campaign_page_ensure_record, page_review_cancelled
from cms.services import page_published as page_published_service
from cms.services import page_unpublished as page_unpublished_service


def withdraw_campaign_with_review(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    obj = instance.content_object
    if isinstance(obj, Page):
        page_review_cancelled(page=obj.specific, actor=user)


def campaign_follows_publication(sender, instance: Page, revision=None, **kwargs) -> None:
    # Publishing a revision a review approved (at once or at its scheduled go-live) applies it to
    # the Campaign; any other publication only links the page to its record.
    page_published_service(page=instance.specific, revision=revision)


def campaign_follows_unpublication(sender, instance: Page, **kwargs) -> None:
    # The admin refuses to unpublish the page of a campaign that takes gifts; any other way
    # (``page.unpublish()`` in code) closes the campaign with it (ADR 0103).
    page_unpublished_service(page=instance.specific)


def link_translation_to_campaign(sender, source_obj, target_obj, **kwargs) -> None:
    if isinstance(target_obj, Page):
        campaign_page_ensure_record(page=target_obj.specific, actor=None)


def tell_donors_of_a_campaign_update(sender, instance: Page, revision=None, **kwargs) -> None:
    """A campaign update was published: its campaign's donors hear of it once, in their language
    (payments ADR 0217); publishing it again or a translation of it sends nothing more.

    Wagtail sends ``page_published`` also when a revision is only scheduled (``go_live_at`` in the
    future): then nothing is live to quote, and the once-only key must stay free for the go-live,
    when the signal comes again with the page live on that revision (review finding 6)."""
    if revision is not None and not (instance.live and instance.live_revision_id == revision.pk):
        return
    campaign_id = selectors.campaign_id_of_update(page=instance)
    if campaign_id is None:
        return
    from payments.notifications.services import campaign_update_announce

    campaign_update_announce(
        campaign_id=campaign_id,
        update_key=str(instance.translation_key),
        texts=selectors.campaign_update_texts(page=instance),
    )


def workflow_name_in_reader_language(sender, instance, **kwargs) -> None:
    """A loaded workflow or task of the project's own shows its name in the active language (ADR 0405)."""
    stored = instance.__dict__.get("name")  # a deferred name stays deferred
    if isinstance(stored, str):
        instance.name = workflow_names.name_shown(stored)


def workflow_name_stored_in_english(sender, instance, **kwargs) -> None:
    """Before a save the shown name goes back to the English the column keeps (ADR 0405)."""
    shown = instance.__dict__.get("name")
    if shown is not None:
        instance.name = workflow_names.name_stored(shown)


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
    from cms.models import CampaignPage, CampaignUpdatePage

    workflow_cancelled.connect(
        withdraw_campaign_with_review, sender=WorkflowState, dispatch_uid="cms.withdraw_campaign"
    )
    page_published.connect(
        campaign_follows_publication, sender=CampaignPage, dispatch_uid="cms.campaign_follows_publication"
    )
    page_unpublished.connect(
        campaign_follows_unpublication, sender=CampaignPage, dispatch_uid="cms.campaign_follows_unpublication"
    )
    page_published.connect(
        tell_donors_of_a_campaign_update, sender=CampaignUpdatePage, dispatch_uid="cms.update_to_donors"
    )
    copy_for_translation_done.connect(
        link_translation_to_campaign, sender=CopyPageForTranslationAction, dispatch_uid="cms.link_translation"
    )
    from cms.models import CampaignReviewTask

    for model in (Workflow, Task, GroupApprovalTask, CampaignReviewTask):
        post_init.connect(
            workflow_name_in_reader_language, sender=model, dispatch_uid="cms.workflow_name_shown"
        )
        pre_save.connect(
            workflow_name_stored_in_english, sender=model, dispatch_uid="cms.workflow_name_stored"
        )
    for page_model in get_page_models():
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(header_changed, sender=page_model, dispatch_uid="cms.header_on_page_event")
    for model in header_models():
        for signal in (post_save, post_delete):
            signal.connect(header_changed, sender=model, dispatch_uid="cms.header_on_record_change")
