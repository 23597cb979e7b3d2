"""The editors' moderation screens of a supporter page and of a team: approve, reject, hide at
once, show again, close. Thin: the services check the role and the status table and audit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.roles import EDITORS, in_role
from payments.supporters.models import SupporterPage, SupporterPageStatus, Team
from payments.supporters.selectors import page_figures
from payments.supporters.services import page_moderate, team_hide
from payments.supporters.states import PAGE_STATES

ACTIONS = {
    "approve": SupporterPageStatus.APPROVED,
    "reject": SupporterPageStatus.REJECTED,
    "hide": SupporterPageStatus.HIDDEN,
    "show": SupporterPageStatus.APPROVED,
    "close": SupporterPageStatus.CLOSED,
}


@require_http_methods(["GET", "POST"])
def supporter_page_moderate_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not in_role(request.user, EDITORS):
        raise PermissionDenied
    page = get_object_or_404(
        SupporterPage.objects.select_related("campaign", "owner", "team", "total"), pk=pk
    )
    error = None
    if request.method == "POST":
        to = ACTIONS.get(request.POST.get("action", ""))
        try:
            if to is None:
                raise ValidationError(_("Choose what to do."))
            page_moderate(page=page, to=to, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The page is now: %(status)s.") % {"status": PAGE_STATES.label(to)})
            return redirect("supporter_page_moderate", pk=pk)
        except ValidationError as exc:
            error = exc.messages[0]
    allowed = PAGE_STATES.allowed[page.status]
    return render(request, "payments/admin/supporter_page_moderate.html", {
        "page_title": _("Supporter page"), "page_subtitle": page.title, "header_icon": "user",
        "spage": page, "figures": page_figures(page), "error": error, "allowed": allowed,
        "S": SupporterPageStatus, "reports": page.reports.all()[:50],
    }, status=400 if error else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def supporter_team_moderate_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not in_role(request.user, EDITORS):
        raise PermissionDenied
    team = get_object_or_404(Team.objects.select_related("campaign"), pk=pk)
    if request.method == "POST":
        team_hide(team=team, actor=request.user, hidden=request.POST.get("action") == "hide",
                  reason=request.POST.get("reason", ""))  # fmt: skip
        return redirect("supporter_team_moderate", pk=pk)
    return render(request, "payments/admin/supporter_team_moderate.html", {
        "page_title": _("Team"), "page_subtitle": team.name, "header_icon": "group", "team": team,
    })  # fmt: skip
