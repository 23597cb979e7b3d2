"""Writes that keep campaign pages and their ``campaigns.Campaign`` record in step (ADR 0100).

- A default-locale campaign page gets its Campaign (status draft) when it is first created.
- Submitting the page for review submits a draft Campaign (``campaign_submit``).
- Approving the review applies the page's proposed terms to the Campaign, acting as the approving
  verifier (so a goal or deadline change on a live campaign passes ``check_may_approve`` and is
  audited by ``campaign_update_terms``), then puts a campaign in review live (``campaign_approve``).
- Rejecting the review sends a campaign in review back to draft (``campaign_reject``).
- Publishing the English page copies its title, unit label and region to the Campaign's English texts
  (``campaign_set_english_texts``; ADR 0403), for the pages, mails and PDFs outside the CMS.
Drafts, previews and unpublishing never write to the Campaign; translations never write its terms.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from campaigns.models import Campaign, CampaignStatus
from campaigns.money import Money
from campaigns.roles import Actor
from campaigns.services import (
    campaign_approve,
    campaign_create,
    campaign_reject,
    campaign_set_english_texts,
    campaign_submit,
    campaign_update_details,
    campaign_update_terms,
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
        )
        if goal.to_minor() != campaign.goal_minor or page.deadline != campaign.deadline:
            campaign_update_terms(
                campaign=campaign, actor=actor, goal=goal, deadline=page.deadline, reason=reason
            )
    campaign.refresh_from_db()
    return campaign


def page_review_submitted(*, page: Page, actor: Actor) -> None:
    """A page entered review: a draft Campaign goes to review too (``campaign_submit``)."""
    campaign = campaign_page_ensure_record(page=page, actor=actor)
    if campaign is None or not page.drives_terms:
        return
    if campaign.status == S.DRAFT:
        campaign_submit(campaign=campaign, actor=actor)


def page_review_approved(*, page: Page, actor: Actor, submitter: Actor) -> None:
    """A verifier approved the page: apply its terms, and put a campaign in review live.
    Raises ``PermissionDenied`` when the approver is the submitter or not a verifier."""
    if submitter is not None and actor is not None and submitter.pk == actor.pk:
        raise PermissionDenied(_("You cannot approve a page you submitted."))
    campaign = campaign_page_ensure_record(page=page, actor=submitter)
    if campaign is None or not page.drives_terms:
        return
    if campaign.status == S.DRAFT:
        campaign_submit(campaign=campaign, actor=submitter)
    if campaign.status in (S.IN_REVIEW, S.LIVE):
        from campaigns.services import check_may_approve

        check_may_approve(campaign=campaign, actor=actor)
    campaign_apply_page_terms(page=page, actor=actor, reason=_("Approved in page review"))
    campaign.refresh_from_db()
    if campaign.status == S.IN_REVIEW:
        campaign_approve(campaign=campaign, actor=actor)


def page_review_rejected(*, page: Page, actor: Actor, reason: str) -> None:
    """A verifier asked for changes: a campaign in review goes back to draft, with the reason."""
    if not _is_campaign_page(page) or not page.campaign_id or not page.drives_terms:
        return
    campaign = Campaign.objects.get(pk=page.campaign_id)
    if campaign.status == S.IN_REVIEW:
        campaign_reject(campaign=campaign, actor=actor, reason=reason or _("Changes requested"))


def campaign_page_published(*, page: Page, actor: Actor) -> None:
    """A campaign page went live: it gets its record (``campaign_page_ensure_record``), and an
    English page's title and unit label become the Campaign's English texts. Publishing never
    changes a Campaign's status or terms: only an approved review does."""
    campaign = campaign_page_ensure_record(page=page, actor=actor)
    if campaign is None or not (page.locale.language_code or "").startswith("en"):
        return
    campaign_set_english_texts(
        campaign=campaign, actor=actor, title=page.title, unit_label=page.unit_label, region=page.region
    )
