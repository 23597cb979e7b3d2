"""Writes that keep campaign pages and their ``campaigns.Campaign`` record in step (ADR 0100).

- A default-locale campaign page gets its Campaign (status draft) when it is first created.
- Submitting the page for review submits a draft Campaign (``campaign_submit``).
- Nobody approves a page they sent for review or changed (``check_may_approve_page``, ADR 0103).
- Publishing a revision that a review approved (at once, or at its scheduled go-live) applies its
  proposed terms to the Campaign, acting as the approving verifier (so a goal or deadline change
  on a live campaign passes ``check_may_approve`` and is audited by ``campaign_update_terms``),
  then puts a campaign in review live (``campaign_approve``).
- Rejecting the review sends a campaign in review back to draft (``campaign_reject``); cancelling
  it does too (``campaign_withdraw``).
- Publishing the English page copies its title, unit label and region to the Campaign's English
  texts (``campaign_set_english_texts``; ADR 0403), for the pages, mails and PDFs outside the CMS.
Drafts, previews and translations never write to the Campaign's status or terms.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from campaigns.compliance import CAMPAIGN_FIELDS
from campaigns.models import Campaign, CampaignStatus
from campaigns.money import Money
from campaigns.roles import Actor
from campaigns.services import (
    campaign_approve,
    campaign_close,
    campaign_create,
    campaign_reject,
    campaign_set_english_texts,
    campaign_submit,
    campaign_update_details,
    campaign_update_terms,
    campaign_withdraw,
)

S = CampaignStatus


def _is_campaign_page(page: Page) -> bool:
    from cms.models import CampaignPage

    return isinstance(page, CampaignPage)


def _unique_slug(base: str) -> str:
    base = (slugify(base) or "campaign")[:90]
    slug, n = base, 1
    while Campaign.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _money(page, amount) -> Money | None:
    return None if amount is None else Money(amount, page.currency)


@transaction.atomic
def campaign_page_ensure_record(*, page: Page, actor: Actor) -> Campaign | None:
    """Give a campaign page its Campaign: a new draft for a default-locale page, the original's
    for a translation. Idempotent. Raises ``ValidationError`` on inconsistent terms."""
    from cms.models import CampaignPage

    if not _is_campaign_page(page):
        return None
    row = CampaignPage.objects.select_for_update().filter(pk=page.pk).values("campaign_id").first()
    if row and row["campaign_id"]:
        page.campaign_id = row["campaign_id"]
        return Campaign.objects.get(pk=row["campaign_id"])
    if page.drives_terms:
        campaign = campaign_create(
            actor=actor,
            title=page.title,
            slug=_unique_slug(page.slug),
            kind=page.kind,
            goal=_money(page, page.goal),
            deadline=page.deadline,
            funding_model=page.funding_model,
            region=page.region,
            unit_cost=_money(page, page.unit_cost),
            unit_label=page.unit_label,
            compliance={name: getattr(page, name) for name in CAMPAIGN_FIELDS},
        )
        campaign.partners.set(page.partners.all())
    else:
        translations = (p.specific for p in page.get_translations())
        source = next((p for p in translations if p.campaign_id and p.drives_terms), None)
        if source is None:
            return None
        campaign = source.campaign
    CampaignPage.objects.filter(pk=page.pk).update(campaign=campaign)
    page.campaign = campaign
    return campaign


def campaign_apply_page_terms(*, page: Page, actor: Actor, reason: str = "") -> Campaign:
    """Make the Campaign's terms those of an approved default-locale page.

    Goal and deadline go through ``campaign_update_terms`` (audited; on a live campaign only a
    verifier who may approve). Currency and funding model may change only while the campaign is
    a draft or in review; the other details are audited as ``campaign.details_changed``. Raises
    ``ValidationError``/``PermissionDenied`` and then changes nothing (one transaction)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=page.campaign_id)
        goal, unit_cost = _money(page, page.goal), _money(page, page.unit_cost)
        campaign_update_details(
            campaign=campaign,
            actor=actor,
            kind=page.kind,
            region=page.region,
            unit_cost=unit_cost,
            unit_label=page.unit_label,
            funding_model=page.funding_model,
            currency=page.currency,
            partner_ids=[p.pk for p in page.partners.all()],
            reason=reason,
            fundraising_filing_number=page.fundraising_filing_number,
            designated_platform=page.designated_platform,
            designated_platform_en=page.designated_platform_en,
            designated_platform_url=page.designated_platform_url,
        )
        if goal.to_minor() != campaign.goal_minor or page.deadline != campaign.deadline:
            campaign_update_terms(
                campaign=campaign, actor=actor, goal=goal, deadline=page.deadline, reason=reason
            )
    campaign.refresh_from_db()
    return campaign


def page_review_submitted(*, page: Page, actor: Actor) -> None:
    """A page entered review (submitted, resubmitted after changes were asked for, or restarted):
    a draft Campaign goes to review too (``campaign_submit``)."""
    campaign = campaign_page_ensure_record(page=page, actor=actor)
    if campaign is None or not page.drives_terms:
        return
    if campaign.status == S.DRAFT:
        campaign_submit(campaign=campaign, actor=actor)


def check_may_approve_page(*, page: Page, actor: Actor) -> None:
    """Four eyes on what is published (ADR 0103): nobody approves a page they sent for review or
    changed since it was last published (``cms.selectors.page_review_authors``), whichever way
    the approval comes (dashboard, edit view, a second role). Raises ``PermissionDenied``."""
    from cms.selectors import page_review_authors

    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Only a verifier may approve a campaign."))
    state = page.current_workflow_state
    if state is not None and state.requested_by_id == actor.pk:
        raise PermissionDenied(_("You cannot approve a page you submitted."))
    if actor.pk in page_review_authors(page=page):
        raise PermissionDenied(
            _("You changed this page since it was last published: another verifier must approve it.")
        )


def review_refusal_reason(*, page: Page, actor: Actor) -> str | None:
    """Why a reviewer of ``page``'s current review may neither review nor edit it, as a sentence
    in the active language; ``None`` when the page is not in a campaign review, the actor is not
    one of its reviewers, or nothing refuses them (issue 12). Raises nothing."""
    from cms.models.workflow import CampaignReviewTask

    task = page.current_workflow_task
    if task is None or not isinstance(task.specific, CampaignReviewTask):
        return None
    if not task.specific._in_review_groups(actor):
        return None
    try:
        check_may_approve_page(page=page, actor=actor)
    except PermissionDenied as error:
        return _("The page '%(title)s' is in review: %(reason)s You can no longer edit it.") % {
            "title": page.get_admin_display_title(),
            "reason": str(error),
        }
    return None


def approval_message(*, page: Page) -> str:
    """What a reviewer is told after approving ``page`` (a fresh copy, as the approval left it):
    "页面“关于我们”已批准并发布。" when it is live with no workflow left and no later draft, else
    "页面“关于我们”已批准。" (another task follows, or a later edit waits)."""
    title = page.get_admin_display_title()
    if page.live and page.current_workflow_state is None and not page.has_unpublished_changes:
        return _("Page '%(title)s' approved and published.") % {"title": title}
    return _("Page '%(title)s' approved.") % {"title": title}


def page_review_approved(*, page: Page, actor: Actor, submitter: Actor) -> None:
    """The approved revision of a page was published (now, or at its scheduled go-live): apply its
    terms to the Campaign and put a campaign in review live, acting as the approving verifier.
    Raises ``PermissionDenied`` when the approver sent the page, wrote the revision, or is not a
    verifier who may approve the campaign (``check_may_approve``); ``ValidationError`` for terms
    the campaign cannot take. Nothing is written then."""
    if actor is None or (submitter is not None and submitter.pk == actor.pk):
        raise PermissionDenied(_("You cannot approve a page you submitted."))
    revision = page.live_revision
    if revision is not None and revision.user_id == actor.pk:
        raise PermissionDenied(
            _("You changed this page since it was last published: another verifier must approve it.")
        )
    campaign = campaign_page_ensure_record(page=page, actor=submitter)
    if campaign is None or not page.drives_terms:
        return
    with transaction.atomic():
        if campaign.status == S.DRAFT:
            campaign_submit(campaign=campaign, actor=submitter)
        if campaign.status in (S.IN_REVIEW, S.LIVE):
            from campaigns.services import check_may_approve

            check_may_approve(campaign=campaign, actor=actor)
        campaign_apply_page_terms(page=page, actor=actor, reason=_("Approved in page review"))
        campaign.refresh_from_db()
        if campaign.status == S.IN_REVIEW:
            campaign_approve(campaign=campaign, actor=actor)


def page_published(*, page: Page, revision) -> None:
    """A campaign page was published: the Campaign follows when the published revision is one a
    review approved (``CampaignReviewTask``), acting as that approver; a publication without an
    approved review (a superuser's, a test's) only gives the page its record (ADR 0100, 0103)."""
    from cms.selectors import review_approval_of

    if not _is_campaign_page(page):
        return
    if revision is not None and not (page.live and page.live_revision_id == revision.pk):
        return  # scheduled for later: Wagtail says "published" now, the page goes live at go-live
    approval = review_approval_of(revision=revision) if revision is not None else None
    if approval is None:
        actor = getattr(revision, "user", None)
        campaign = campaign_page_ensure_record(page=page, actor=actor)
    else:
        actor = approval.finished_by
        page_review_approved(page=page, actor=actor, submitter=approval.workflow_state.requested_by)
        campaign = campaign_page_ensure_record(page=page, actor=actor)
    if campaign is not None:
        campaign_english_texts_follow(page=page, campaign=campaign, actor=actor)


def campaign_english_texts_follow(*, page: Page, campaign: Campaign, actor: Actor) -> None:
    """A published English campaign page gives its Campaign its English title, unit label and
    region (ADR 0403), for the pages, mails and PDFs outside the CMS; never its status or terms.
    Pages in other languages change nothing."""
    if not (page.locale.language_code or "").startswith("en"):
        return
    campaign_set_english_texts(
        campaign=campaign, actor=actor, title=page.title, unit_label=page.unit_label, region=page.region
    )


def page_review_rejected(*, page: Page, actor: Actor, reason: str) -> None:
    """A verifier asked for changes: a campaign in review goes back to draft, with the reason."""
    if not _is_campaign_page(page) or not page.campaign_id or not page.drives_terms:
        return
    campaign = Campaign.objects.get(pk=page.campaign_id)
    if campaign.status == S.IN_REVIEW:
        campaign_reject(campaign=campaign, actor=actor, reason=reason or _("Changes requested"))


def page_review_cancelled(*, page: Page, actor: Actor) -> None:
    """The page's review was cancelled (or restarted, which cancels then submits again): a
    campaign in review goes back to draft (``campaign_withdraw``). A live campaign stays live: the
    cancelled review was of a change, which is simply not applied."""
    if not _is_campaign_page(page) or not page.campaign_id or not page.drives_terms:
        return
    campaign = Campaign.objects.get(pk=page.campaign_id)
    if campaign.status == S.IN_REVIEW:
        campaign_withdraw(campaign=campaign, actor=actor, reason=_("Review cancelled"))


def check_direct_publication(*, page: Page) -> None:
    """A campaign page (any language) is published only by an approved review (ADR 0103): the
    admin's other ways to publish it (publish button, create-and-publish, bulk publish) are
    refused, superusers included, so nobody publishes content without a second person.
    Raises ``PermissionDenied``."""
    if _is_campaign_page(page):
        raise PermissionDenied(
            _("A campaign page is published only through review: submit it, and a verifier approves it.")
        )


def check_copy_publication(*, page: Page, live: bool, subpages: bool) -> None:
    """A copy of a campaign page is a new campaign: it starts as a draft and goes live through
    review like any other (ADR 0103, superusers included). Wagtail's copy with "publish copies"
    or as an alias makes a live page without the publish hooks, so a ``live`` copy (either of
    those) of a campaign page, or of a page with one among the copied ``subpages``, is refused
    (review finding 13). Raises ``PermissionDenied``."""
    from cms.models import CampaignPage

    if not live:
        return
    if _is_campaign_page(page.specific) or (subpages and page.get_descendants().type(CampaignPage).exists()):
        raise PermissionDenied(
            _(
                "A copy or alias of a campaign page cannot go live directly: copy it as a draft, then submit it for review."
            )
        )


# Campaigns that take gifts: their page stays public, for the donors who give and follow them.
TAKING_GIFTS = (S.LIVE, S.FUNDED)


def check_may_unpublish(*, page: Page) -> None:
    """The page of a campaign that takes gifts (live or funded) cannot be unpublished in the admin
    (ADR 0103): the Campaign would still take gifts behind a missing page. Ending a campaign is
    ``campaign_close``; its page may be unpublished afterwards. Raises ``PermissionDenied``."""
    if not _is_campaign_page(page) or not page.campaign_id:
        return
    status = Campaign.objects.filter(pk=page.campaign_id).values_list("status", flat=True).first()
    if status in TAKING_GIFTS:
        raise PermissionDenied(
            _("The page of a campaign that takes gifts stays published; close the campaign first.")
        )


def page_unpublished(*, page: Page) -> None:
    """A campaign page was unpublished outside the admin (``page.unpublish()`` from a shell, a
    script, an expiry): its Campaign follows, through ``CAMPAIGN_STATES``. A campaign that takes
    gifts (live, funded) is closed (``campaign_close``, audited as done by the system), since the
    table has no "offline" status and a campaign taking gifts behind a missing page is what
    ``check_may_unpublish`` prevents in the admin (ADR 0103). Closing ends its monthly gifts
    (``campaigns.signals.campaign_stopped_giving``). Translations (which do not drive the terms)
    and campaigns that no longer take gifts change nothing."""
    if not _is_campaign_page(page) or not page.campaign_id or not page.drives_terms:
        return
    campaign = Campaign.objects.filter(pk=page.campaign_id).first()
    if campaign is not None and campaign.status in TAKING_GIFTS:
        campaign_close(campaign=campaign, actor=None, reason=_("Its page was unpublished"))
