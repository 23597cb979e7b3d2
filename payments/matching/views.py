"""Public pages of matchers: the showcase of companies and foundations that match gifts, and each
matcher's page of what it pledged, paid in and matched. Reads only (``selectors``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from payments.matching.models import Matcher
from payments.matching.selectors import matcher_summary, showcase


@require_GET
def matchers(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/matching/showcase.html", {"matchers": showcase()})


@require_GET
def matcher_page(request: HttpRequest, slug: str) -> HttpResponse:
    matcher = get_object_or_404(Matcher, slug=slug)
    return render(request, "payments/matching/matcher_page.html", {"s": matcher_summary(matcher=matcher)})
