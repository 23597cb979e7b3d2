"""The donor's own page, reached by the signed link in their receipt."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments.donations.donor_links import donor_from_token, keep_private
from payments.donations.models import DonorProfile, MonthlyPlan
from payments.donations.monthly import monthly_plan_cancel


def _donor(token: str) -> DonorProfile:
    donor = donor_from_token(token)
    if donor is None:
        raise Http404
    return donor


def donor_page(request: HttpRequest, token: str) -> HttpResponse:
    """Every gift of the donor with its trace (read by the template's ``donor_traces`` tag: the
    trace package builds on gifts, so this module may not import it), and their monthly gifts.
    A forged, expired or revoked token is a 404 that says nothing of any donor."""
    donor = _donor(token)
    response = render(
        request,
        "payments/donor_page.html",
        {
            "donor": donor,
            "token": token,
            "plans": MonthlyPlan.objects.filter(donor=donor)
            .select_related("campaign")
            .order_by("-created_at"),
        },
    )
    # The URL is a credential: kept out of caches and of other sites' logs.
    return keep_private(response)


@require_POST
def monthly_cancel(request: HttpRequest, token: str, plan_id: int) -> HttpResponse:
    donor = _donor(token)
    plan = get_object_or_404(MonthlyPlan, pk=plan_id, donor=donor)
    monthly_plan_cancel(plan=plan, donor=donor)
    messages.success(request, _("Your monthly gift is cancelled. Nothing more will be charged."))
    return redirect("payments:donor_page", token=token)
