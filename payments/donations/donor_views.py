"""The donor's own page, reached by the signed link in their receipt."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments.donations.donor_links import donor_from_token, keep_private
from payments.donations.models import DonorProfile, MonthlyPlan
from payments.donations.monthly import monthly_plan_cancel
from payments.donations.selectors import donor_gifts

# The verification area renders each gift's trace (held / released / to whom) with this template
# when it exists; the donor page works without it.
TRACE_TEMPLATE = "payments/trace_panel.html"


def _donor(token: str) -> DonorProfile:
    donor = donor_from_token(token)
    if donor is None:
        raise Http404
    return donor


def _trace_template() -> str | None:
    try:
        get_template(TRACE_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return TRACE_TEMPLATE


def donor_page(request: HttpRequest, token: str) -> HttpResponse:
    donor = _donor(token)
    response = render(
        request,
        "payments/donor_page.html",
        {
            "donor": donor,
            "token": token,
            "gifts": donor_gifts(donor=donor),
            "plans": MonthlyPlan.objects.filter(donor=donor)
            .select_related("campaign")
            .order_by("-created_at"),
            "trace_template": _trace_template(),
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
