"""Supporters' pages and teams on the public site (ADR 0234). Thin: reads from
``payments.supporters.selectors``, writes through ``payments.supporters.services``.

Public pages show only approved pages and teams not hidden (404 otherwise). The owner's pages
(start, edit) need a donor signed in by email link (``payments.donor_accounts``) and are private
(``keep_private``). Bad input is answered 400 with the form, abuse of the report form 429.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.images import get_image_model

from campaigns.models import Campaign
from campaigns.reader_language import in_reader_language, written_plain
from campaigns.state_tables import TransitionNotAllowed
from campaigns.templatetags.link_preview import absolute_url, preview_context
from cms.sharing.card import HEIGHT, WIDTH, render_card
from cms.sharing.card_text import card_etag, card_text
from cms.sharing.qr import qr_svg
from cms.supporters.forms import ReportForm, SupporterPageForm, SupporterPageStartForm
from payments.donations.client_ip import client_ip
from payments.donations.donor_links import keep_private
from payments.donations.selectors import wall_of_support
from payments.donor_accounts.services import session_donor
from payments.supporters import selectors, services
from payments.supporters.models import SupporterPage

SHARE_SECONDS = 60 * 60


def _version(page: SupporterPage, figures: selectors.PageFigures) -> str:
    """Changes when the page is edited or its progress moves into another 5 % step: a chat app that
    cached an old preview fetches the new one (as campaign pages, ADR 0415)."""
    return f"{int(page.updated_at.timestamp())}-{_bucket(figures)}"


def _bucket(figures: selectors.PageFigures) -> int:
    return min(max(figures.percent, 0), 200) // 5


def _photo(form, title: str):
    """The uploaded photo stored as a Wagtail image (checked by ``WagtailImageField``), or None."""
    upload = form.cleaned_data.get("photo")
    if not upload:
        return None
    return get_image_model().objects.create(title=title[:255], file=upload)


def supporter_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A public supporter page: words, photo, progress, the campaign's give form posting through
    the page, share and report."""
    page = selectors.public_page(slug=slug)
    figures = selectors.page_figures(page)
    owner = session_donor(session=request.session) if request.session.session_key else None
    context = {
        "spage": page,
        "campaign": page.campaign,
        "figures": figures,
        "is_owner": owner is not None and owner.pk == page.owner_id,
        "donate_start_url": reverse("payments:supporter_gift_start", kwargs={"slug": page.slug}),
        "donate_wallet_url": reverse("payments:supporter_wallet_start", kwargs={"slug": page.slug}),
        "preview": preview_context(
            request=request,
            title=written_plain(page.title),
            description=written_plain(page.words[:200]),
            image=absolute_url(
                reverse("cms:supporter_card", args=[page.slug]) + f"?v={_version(page, figures)}"
            ),
            size=(WIDTH, HEIGHT),
        ),
        "qr_url": reverse("cms:supporter_qr", args=[page.slug]),
        # The names its form promises a place for: the gifts given through this page (issue 13).
        "wall": wall_of_support(campaign=page.campaign, supporter_page_id=page.pk),
    }
    return render(request, "cms/supporters/page.html", context)


def team_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A team: its total and its pages ranked by raised (one query each)."""
    team = selectors.public_team(slug=slug)
    board = selectors.leaderboard(team=team)
    figures = selectors.team_figures(team)
    context = {
        "team": team,
        "campaign": team.campaign,
        "figures": figures,
        "preview": preview_context(
            request=request,
            title=written_plain(team.name, names=True),
            description=_("A team raising for %(campaign)s")
            % {"campaign": str(in_reader_language(team.campaign, "title"))},
            image=absolute_url(
                reverse("cms:supporter_team_card", args=[team.slug]) + f"?v={_bucket(figures)}"
            ),
            size=(WIDTH, HEIGHT),
        ),
        "board": board,
        "qr_url": reverse("cms:supporter_team_qr", args=[team.slug]),
    }
    return render(request, "cms/supporters/team.html", context)


def campaign_supporters(request: HttpRequest, campaign_slug: str) -> HttpResponse:
    """A campaign's supporters: top pages, its teams and a way to start one's own page."""
    campaign = get_object_or_404(Campaign, slug=campaign_slug)
    context = {
        "campaign": campaign,
        "board": selectors.leaderboard(campaign_id=campaign.pk),
        "teams": selectors.teams_of_campaign(campaign.pk),
    }
    return render(request, "cms/supporters/campaign.html", context)


@require_http_methods(["GET", "POST"])
def page_start(request: HttpRequest, campaign_slug: str) -> HttpResponse:
    """Start one's own page for a campaign (signed in by email link)."""
    campaign = get_object_or_404(Campaign, slug=campaign_slug)
    owner = session_donor(session=request.session)
    if owner is None:
        return keep_private(render(request, "cms/supporters/sign_in_first.html", {"campaign": campaign}))
    teams = selectors.teams_of_campaign(campaign.pk)
    form = SupporterPageStartForm(request.POST or None, request.FILES or None, campaign=campaign, teams=teams)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                page = services.page_start(
                    owner=owner, campaign=campaign, title=data["title"], words=data["words"], goal=data["goal"],
                    language=get_language(), photo=_photo(form, data["title"]), team=data.get("team"),
                    new_team_name=data.get("new_team_name", ""),
                )  # fmt: skip
            except services.SupporterPageRefused as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect(page) if page.is_public else redirect("cms:supporter_mine")
        status = 400
    return keep_private(render(request, "cms/supporters/start.html", {"form": form, "campaign": campaign},
                               status=status))  # fmt: skip


def _owned(request: HttpRequest, slug: str):
    owner = session_donor(session=request.session)
    if owner is None:
        raise Http404
    page = get_object_or_404(SupporterPage.objects.select_related("campaign", "total"), slug=slug)
    if page.owner_id != owner.pk:
        # Another donor's page: the same answer as a page that does not exist.
        raise Http404
    return owner, page


@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The owner edits their page; anyone else gets 404."""
    owner, page = _owned(request, slug)
    initial = {"title": page.title, "words": page.words, "goal": str(page.goal.amount)}
    form = SupporterPageForm(
        request.POST or None, request.FILES or None, campaign=page.campaign, initial=initial
    )
    status = 200
    if request.method == "POST":
        if request.POST.get("close"):
            with contextlib.suppress(TransitionNotAllowed):  # already closed: nothing to do
                services.page_close_by_owner(page=page, owner=owner)
            return redirect("cms:supporter_mine")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.page_update(page=page, owner=owner, title=data["title"], words=data["words"],
                                     goal=data["goal"], photo=_photo(form, data["title"]))  # fmt: skip
            except services.SupporterPageRefused as exc:
                form.add_error(None, exc.messages)
            except PermissionDenied:
                raise Http404 from None
            else:
                return redirect("cms:supporter_mine")
        status = 400
    return keep_private(
        render(request, "cms/supporters/edit.html", {"form": form, "spage": page}, status=status)
    )


def my_pages(request: HttpRequest) -> HttpResponse:
    """The signed-in donor's pages, with their status and figures."""
    owner = session_donor(session=request.session)
    if owner is None:
        return keep_private(render(request, "cms/supporters/sign_in_first.html", {"campaign": None}))
    pages = selectors.owner_pages(owner)
    rows = [(p, selectors.page_figures(p)) for p in pages]
    return keep_private(render(request, "cms/supporters/mine.html", {"rows": rows}))


@require_http_methods(["GET", "POST"])
def page_report(request: HttpRequest, slug: str) -> HttpResponse:
    """Report a public page to the editors: one report per reporter and page, a few per hour."""
    page = selectors.public_page(slug=slug)
    form = ReportForm(request.POST or None)
    if request.method == "GET":
        return render(request, "cms/supporters/report.html", {"form": form, "spage": page})
    if not form.is_valid():
        return render(request, "cms/supporters/report.html", {"form": form, "spage": page}, status=400)
    if form.cleaned_data.get("website"):
        # A bot filled the honeypot: thank it and record nothing.
        return render(request, "cms/supporters/reported.html", {"spage": page})
    fingerprint = services.reporter_fingerprint(
        ip=client_ip(request) or "", user_agent=request.headers.get("User-Agent", "")
    )
    try:
        services.page_report(page=page, reason=form.cleaned_data["reason"], details=form.cleaned_data["details"],
                             fingerprint=fingerprint)  # fmt: skip
    except services.ReportRefused as exc:
        response = render(request, "cms/supporters/report.html",
                          {"form": form, "spage": page, "blocked": True}, status=429)  # fmt: skip
        response["Retry-After"] = str(exc.retry_after)
        return response
    return render(request, "cms/supporters/reported.html", {"spage": page})


def _cached(body: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "public, max-age=600"
    return response


def _card(key: str, *, title: str, figures: selectors.PageFigures, name: bool = False) -> HttpResponse:
    """The 1200×630 PNG of ``cms.sharing.card`` with these figures, drawn in the language of the
    URL it is served under (``key`` names it), cached. What a supporter wrote in Chinese is drawn
    as written and marked "written in Chinese" for an English reader, as their page marks it; a
    ``name`` (a team's) is never marked "written in English" (``written_name``)."""
    language = get_language()
    png = cache.get(key)
    if png is None:
        text = card_text(title=written_plain(title, language=language, names=name), raised=figures.raised,
                         goal=figures.goal, language=language)  # fmt: skip
        png = render_card(percent=figures.percent, **text.as_kwargs())
        cache.set(key, png, SHARE_SECONDS)
    response = _cached(png, "image/png")
    response["ETag"] = card_etag(key)
    return response


@require_GET
def supporter_card(request: HttpRequest, slug: str) -> HttpResponse:
    """The page's link-preview image with its progress, in the reader's language (the URL's)."""
    page = selectors.public_page(slug=slug)
    figures = selectors.page_figures(page)
    key = f"cms:supporter-card:{page.pk}:{get_language()}:{_version(page, figures)}"
    return _card(key, title=page.title, figures=figures)


@require_GET
def team_card(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's link-preview image with its progress, in the reader's language (the URL's)."""
    team = selectors.public_team(slug=slug)
    figures = selectors.team_figures(team)
    name = hashlib.sha256(team.name.encode()).hexdigest()[:12]  # a renamed team is redrawn
    key = f"cms:team-card:{team.pk}:{get_language()}:{_bucket(figures)}:{name}"
    return _card(key, title=team.name, figures=figures, name=True)


def _qr(kind: str, slug: str, url: str, title: str) -> HttpResponse:
    key = f"cms:{kind}-qr:{slug}:{get_language()}"
    svg = cache.get(key)
    if svg is None:
        svg = qr_svg(absolute_url(url), title=title)
        cache.set(key, svg, SHARE_SECONDS)
    return _cached(svg.encode(), "image/svg+xml")


@require_GET
def supporter_qr(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.public_page(slug=slug)
    return _qr("supporter", slug, page.get_absolute_url(), page.title)


@require_GET
def team_qr(request: HttpRequest, slug: str) -> HttpResponse:
    team = selectors.public_team(slug=slug)
    return _qr("team", slug, team.get_absolute_url(), team.name)
