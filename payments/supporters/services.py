"""Supporters' pages: start, edit, moderate, report; gifts through a page attributed once and the
page's figure kept with each change of their money (ADR 0234).

Rules:

- **A page belongs to its owner** (a donor signed in by email link): only they edit it
  (``PermissionDenied`` otherwise); editors approve, reject, hide, restore and close it. One open
  page per donor and campaign (a partial unique constraint backs the check).
- **Goal**: a positive amount in the campaign's currency, at most ``GOAL_MAX_MINOR`` (DB check too).
- **A gift through a page counts to the campaign as every gift** (the ledger never sees the page:
  the campaign's figures cannot count it twice) **and to the page once**: ``gift_attribute`` writes
  one ``SupporterGift`` with the gift's row (unique per gift). Only a public page takes gifts for
  itself: a gift started from a page that is waiting, hidden, rejected or closed by the time the
  gift is written goes to the campaign only (the donor chose to fund the campaign; a hidden page
  must not go on collecting).
- **The page's figure** is what its gifts still count: captured, less refunds, open and lost
  disputes (the gift's own share of the campaign's ``counted``, ``payments.figures``). It is kept in
  ``SupporterPageTotal`` by ``supporter_gift_follow``, which moves it by the change of one gift's
  counted part, after the capture, refund or dispute commits (a Celery task queued by
  ``payments.supporters.receivers``; the capture's own transaction is untouched, as for matching,
  ADR 0227). Idempotent: a second run finds nothing changed. ``supporter_gifts_sweep`` follows gifts
  whose task was lost.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.roles import EDITORS, Actor, in_role
from campaigns.services import audit
from campaigns.verification.selectors import campaign_gift_refusal
from payments.allocation.services import breakdown_of
from payments.donations.models import CAPTURED_STATES, Donation, DonationStatus, DonorProfile
from payments.supporters.models import (
    GOAL_MAX_MINOR,
    ReportReason,
    SupporterGift,
    SupporterPage,
    SupporterPageReport,
    SupporterPageStatus,
    SupporterPageTotal,
    Team,
)
from payments.supporters.publishing import pages_public_at_once
from payments.supporters.states import page_transition

S = SupporterPageStatus
# A page is open (counts towards "one page per donor and campaign") unless rejected or closed.
OPEN_STATUSES = (S.PENDING, S.APPROVED, S.HIDDEN)
# Reports one reporter may file in an hour, over all pages (beyond: 429).
REPORTS_PER_HOUR = 5


class SupporterPageRefused(ValidationError):
    """A page that cannot be started or changed as asked (the message says why, for the donor)."""


class ReportRefused(Exception):
    """Too many reports from one reporter: try later (``retry_after`` seconds)."""

    retry_after = 3600


def _is_editor(actor: Actor) -> bool:
    return in_role(actor, EDITORS)


def goal_check(*, goal: Money, campaign: Campaign) -> None:
    """Raise ``SupporterPageRefused`` unless ``goal`` is in the campaign's currency, more than zero
    and at most ``GOAL_MAX_MINOR`` (¥1,000,000)."""
    if goal.currency != campaign.currency:
        raise SupporterPageRefused(_("The goal must be in %(c)s.") % {"c": campaign.currency})
    if goal.amount <= 0:
        raise SupporterPageRefused(_("The goal must be more than zero."))
    if goal.to_minor() > GOAL_MAX_MINOR:
        raise SupporterPageRefused(
            _("The goal can be at most %(max)s.")
            % {"max": Money.from_minor(GOAL_MAX_MINOR, campaign.currency)}
        )


def _slug(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def page_start(
    *,
    owner: DonorProfile,
    campaign: Campaign,
    title: str,
    words: str,
    goal: Money,
    language: str,
    photo=None,
    team: Team | None = None,
    new_team_name: str = "",
) -> SupporterPage:
    """Start ``owner``'s page for ``campaign``: public at once if the site setting says so,
    otherwise waiting for an editor. ``new_team_name`` starts a team with the owner as captain;
    ``team`` joins one of the campaign's teams. Raises ``SupporterPageRefused`` (campaign not taking
    gifts, bad goal, empty title or words, another open page of the owner for this campaign, a team
    of another campaign or hidden); nothing is written then."""
    refusal = campaign_gift_refusal(campaign=campaign)
    if refusal is not None:
        raise SupporterPageRefused(refusal)
    goal_check(goal=goal, campaign=campaign)
    if not title.strip() or not words.strip():
        raise SupporterPageRefused(_("Give your page a title and say why you are raising."))
    if team is not None and (team.campaign_id != campaign.pk or team.hidden):
        raise SupporterPageRefused(_("This team is not raising for this campaign."))
    at_once = pages_public_at_once()
    try:
        with transaction.atomic():
            if SupporterPage.objects.filter(
                owner=owner, campaign=campaign, status__in=OPEN_STATUSES
            ).exists():
                raise SupporterPageRefused(_("You already have a page for this campaign."))
            if new_team_name.strip():
                team = Team.objects.create(campaign=campaign, name=new_team_name.strip()[:80], slug=_slug("t"),
                                           captain=owner)  # fmt: skip
                audit(actor=None, action="supporter_team.started", subject=team, data={"captain": owner.pk})
            page = SupporterPage.objects.create(
                campaign=campaign, owner=owner, team=team, slug=_slug("p"), title=title.strip()[:100],
                words=words.strip()[:2000], goal_minor=goal.to_minor(), currency=goal.currency, photo=photo,
                language=language or "zh-hans",
            )  # fmt: skip
            SupporterPageTotal.objects.create(page=page)
            audit(actor=None, action="supporter_page.started", subject=page,
                  data={"owner": owner.pk, "campaign": campaign.pk, "team": team.pk if team else None})  # fmt: skip
            if at_once:
                page_transition(page, S.APPROVED, reason="public at once (site setting)")
    except IntegrityError as exc:  # a concurrent second page of the same owner (partial unique)
        raise SupporterPageRefused(_("You already have a page for this campaign.")) from exc
    return page


def page_update(*, page: SupporterPage, owner: DonorProfile, title: str, words: str, goal: Money,
                photo=None, remove_photo: bool = False) -> SupporterPage:  # fmt: skip
    """The owner changes their page. New words, title or photo on a public page send it back to
    an editor unless pages are public at once; a new goal alone does not. Raises
    ``PermissionDenied`` (not the owner), ``SupporterPageRefused`` (bad goal, empty texts, a closed
    page)."""
    if page.owner_id != owner.pk:
        raise PermissionDenied(_("Only the page's owner may change it."))
    goal_check(goal=goal, campaign=page.campaign)
    if not title.strip() or not words.strip():
        raise SupporterPageRefused(_("Give your page a title and say why you are raising."))
    with transaction.atomic():
        page = SupporterPage.objects.select_for_update().get(pk=page.pk)
        if page.status == S.CLOSED:
            raise SupporterPageRefused(_("This page is closed."))
        new_photo = None if remove_photo else (photo or page.photo)
        content_changed = (title.strip() != page.title or words.strip() != page.words
                           or getattr(new_photo, "pk", None) != page.photo_id)  # fmt: skip
        page.title, page.words, page.goal_minor, page.photo = title.strip()[:100], words.strip()[:2000], \
            goal.to_minor(), new_photo  # fmt: skip
        page.save(update_fields=["title", "words", "goal_minor", "photo", "updated_at"])
        audit(actor=None, action="supporter_page.edited", subject=page, data={"owner": owner.pk})
        if content_changed and not pages_public_at_once():
            if page.status == S.APPROVED:
                page_transition(page, S.PENDING, reason="edited by its owner")
            elif page.status == S.REJECTED:
                page_transition(page, S.PENDING, reason="edited after rejection")
    return page


def page_moderate(*, page: SupporterPage, to: str, actor: Actor, reason: str = "") -> SupporterPage:
    """An editor approves, rejects, hides, shows again or closes a page. Hiding marks its open
    reports handled. Raises ``PermissionDenied`` (not an editor), ``SupporterPageRefused`` (a
    rejection or hiding without a reason), ``TransitionNotAllowed``."""
    if not _is_editor(actor):
        raise PermissionDenied(_("Only an editor may approve, hide or close a supporter page."))
    if to in (S.REJECTED, S.HIDDEN) and not reason.strip():
        raise SupporterPageRefused(_("Say why."))
    with transaction.atomic():
        page = SupporterPage.objects.select_for_update().get(pk=page.pk)
        page_transition(page, to, actor=actor, reason=reason.strip())
        if to == S.HIDDEN:
            SupporterPageReport.objects.filter(page=page, handled_at__isnull=True).update(
                handled_at=timezone.now()
            )
    return page


def page_close_by_owner(*, page: SupporterPage, owner: DonorProfile) -> SupporterPage:
    """The owner ends their page (gifts given stay counted). Raises ``PermissionDenied``,
    ``TransitionNotAllowed``."""
    if page.owner_id != owner.pk:
        raise PermissionDenied(_("Only the page's owner may change it."))
    with transaction.atomic():
        page = SupporterPage.objects.select_for_update().get(pk=page.pk)
        page_transition(page, S.CLOSED, reason="closed by its owner")
    return page


def team_hide(*, team: Team, actor: Actor, hidden: bool, reason: str = "") -> Team:
    """An editor hides a team's page (or shows it again); audited. Raises ``PermissionDenied``."""
    if not _is_editor(actor):
        raise PermissionDenied(_("Only an editor may approve, hide or close a supporter page."))
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        team.hidden = hidden
        team.save(update_fields=["hidden"])
        audit(actor=actor, action="supporter_team.hidden" if hidden else "supporter_team.shown", subject=team,
              reason=reason)  # fmt: skip
    return team


def reporter_fingerprint(*, ip: str, user_agent: str) -> str:
    """A digest of the reporter's address and browser: never the address itself in the table."""
    return hashlib.sha256(f"{ip}|{user_agent[:200]}".encode()).hexdigest()


def page_report(*, page: SupporterPage, reason: str, details: str, fingerprint: str) -> bool:
    """Record a report of a public page; True if new. The same reporter reporting the same page
    again changes nothing (False). Raises ``ReportRefused`` past ``REPORTS_PER_HOUR`` reports of one
    reporter, ``SupporterPageRefused`` for an unknown reason."""
    if reason not in ReportReason.values:
        raise SupporterPageRefused(_("Choose a reason."))
    key = f"supporters:reports:{fingerprint}"
    cache.add(key, 0, 3600)
    if cache.incr(key) > REPORTS_PER_HOUR:
        raise ReportRefused
    _report, created = SupporterPageReport.objects.get_or_create(
        page=page, fingerprint=fingerprint, defaults={"reason": reason, "details": details.strip()[:1000]}
    )
    if created:
        audit(actor=None, action="supporter_page.reported", subject=page, data={"reason": reason})
    return created


def gift_attribute(*, donation: Donation, page: SupporterPage) -> SupporterGift | None:
    """Record that ``donation`` was given through ``page``, once (a second call returns the same
    row). Returns None, recording nothing, when the page is not public or is for another campaign:
    the gift then counts to the campaign only (ADR 0234). Call in the gift's creating transaction."""
    if page.campaign_id != donation.campaign_id:
        return None
    # The page's status now, not when the form was read: a page hidden a moment ago takes nothing.
    if not SupporterPage.objects.filter(pk=page.pk, status=S.APPROVED).exists():
        return None
    gift, _created = SupporterGift.objects.get_or_create(donation=donation, defaults={"page": page})
    return gift


def gift_counts_minor(donation: Donation) -> int:
    """What the gift still counts towards its campaign, in minor units: captured, less refunded,
    held by open disputes and lost to disputes (its share of the campaign's ``counted``); zero
    before capture and once moved to another campaign."""
    if donation.captured_at is None or donation.status not in CAPTURED_STATES:
        return 0
    if donation.status == DonationStatus.MOVED:
        return 0
    b = breakdown_of(donation)
    return (b.captured - b.refunded - b.disputed - b.lost_to_disputes).to_minor()


def supporter_gift_follow(*, donation_id: int) -> int:
    """Bring the page figure of a gift given through a page up to date with the gift's money: the
    page's total moves by the change of the gift's counted part (and its gift count by one when
    the gift starts or stops counting). Idempotent (the gift's row is locked and remembers what it
    added). Returns the change in minor units (0 for a gift not given through a page)."""
    with transaction.atomic():
        gift = SupporterGift.objects.select_for_update().filter(donation_id=donation_id).first()
        if gift is None:
            return 0
        donation = Donation.objects.get(pk=donation_id)
        counts = gift_counts_minor(donation)
        delta = counts - gift.counted_minor
        step = (1 if counts > 0 else 0) - (1 if gift.counted_minor > 0 else 0)
        gift.counted_minor = counts
        gift.seen_status, gift.seen_refunded_minor = donation.status, donation.refunded_minor
        gift.save(update_fields=["counted_minor", "seen_status", "seen_refunded_minor"])
        if delta or step:
            SupporterPageTotal.objects.filter(page_id=gift.page_id).update(
                raised_minor=F("raised_minor") + delta, gifts=F("gifts") + step
            )
    return delta


def supporter_gifts_sweep() -> int:
    """Follow gifts through pages whose status or refunds changed since they were last followed
    (their queued task was lost). Its cost grows with those gifts only. Returns how many."""
    due = (
        SupporterGift.objects.exclude(donation__status=F("seen_status"))
        .filter(donation__status__in=CAPTURED_STATES)
        .values_list("donation_id", flat=True)
        .union(
            SupporterGift.objects.exclude(donation__refunded_minor=F("seen_refunded_minor")).values_list(
                "donation_id", flat=True
            )
        )
    )
    ids = sorted(set(due))
    for donation_id in ids:
        supporter_gift_follow(donation_id=donation_id)
    return len(ids)
