"""Public reads: campaigns with their figures, their updates, disbursements and reports, and the
needs board. Paginated; ``ETag`` and 304 (``api.views.PublicReadView``)."""

from __future__ import annotations

from django.db.models import QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.public import representations as rep
from api.public.serializers import (
    CampaignSerializer,
    DisbursementSerializer,
    NeedSerializer,
    ReportSerializer,
    UpdateSerializer,
)
from api.views import PublicReadView
from campaigns.models import Campaign
from campaigns.verification.selectors import public_needs
from cms.selectors import PUBLIC_STATUSES
from payments.trace.selectors import disbursement_feed
from reports.models import ReportKind, ReportRun, ReportStatus

# At most this many disbursements of a campaign (the feed's own bound; newest first).
DISBURSEMENTS_LIMIT = 200


def public_campaigns() -> QuerySet[Campaign]:
    """Campaigns the public may see (approved: live, funded, failed or closed), newest first."""
    return Campaign.objects.filter(status__in=PUBLIC_STATUSES).order_by("-created_at", "-pk")


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(public_campaigns(), slug=slug)


class CampaignList(PublicReadView):
    serializer_class = CampaignSerializer

    @extend_schema(
        operation_id="campaigns_list",
        responses={200: CampaignSerializer(many=True)},
        summary="Public campaigns with their figures",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(public_campaigns())
        return self.get_paginated_response([rep.campaign_data(c) for c in page])


class CampaignDetail(PublicReadView):
    serializer_class = CampaignSerializer
    pagination_class = None

    @extend_schema(operation_id="campaigns_retrieve", summary="One campaign with its figures")
    def get(self, request: Request, slug: str) -> Response:
        return Response(rep.campaign_data(_campaign(slug)))


class CampaignUpdates(PublicReadView):
    serializer_class = UpdateSerializer

    @extend_schema(
        operation_id="campaign_updates_list",
        responses={200: UpdateSerializer(many=True)},
        summary="A campaign's published progress updates",
    )
    def get(self, request: Request, slug: str) -> Response:
        from cms.models import CampaignUpdatePage
        from cms.selectors import public_campaign_pages

        campaign = _campaign(slug)
        pages = list(public_campaign_pages().filter(campaign=campaign)[:1])
        updates = CampaignUpdatePage.objects.none()
        if pages:
            updates = CampaignUpdatePage.objects.live().public().child_of(pages[0]).order_by("-date", "-pk")
        page = self.paginate_queryset(updates)
        return self.get_paginated_response(
            [
                {
                    "title": u.title,
                    "date": u.date,
                    "summary": u.summary,
                    "url": request.build_absolute_uri(u.url) if u.url else "",
                }
                for u in page
            ]
        )


class CampaignDisbursements(PublicReadView):
    serializer_class = DisbursementSerializer

    @extend_schema(
        operation_id="campaign_disbursements_list",
        responses={200: DisbursementSerializer(many=True)},
        summary="A campaign's approved releases to partners, newest first",
    )
    def get(self, request: Request, slug: str) -> Response:
        lines = disbursement_feed(campaign=_campaign(slug), limit=DISBURSEMENTS_LIMIT)
        page = self.paginate_queryset(lines)
        return self.get_paginated_response([rep.disbursement_data(line) for line in page])


class CampaignReports(PublicReadView):
    serializer_class = ReportSerializer

    @extend_schema(
        operation_id="campaign_reports_list",
        responses={200: ReportSerializer(many=True)},
        summary="A campaign's published impact reports (PDF links)",
    )
    def get(self, request: Request, slug: str) -> Response:
        runs = ReportRun.objects.filter(
            campaign=_campaign(slug), kind=ReportKind.CAMPAIGN_IMPACT, status=ReportStatus.DONE
        ).order_by("-generated_at", "-pk")
        page = self.paginate_queryset(runs)
        return self.get_paginated_response([rep.report_data(run, request) for run in page])


class NeedList(PublicReadView):
    serializer_class = NeedSerializer

    @extend_schema(
        operation_id="needs_list",
        responses={200: NeedSerializer(many=True)},
        summary="The needs board: vetted needs, open ones first",
    )
    def get(self, request: Request) -> Response:
        needs = list(public_needs())
        prefetch_related_objects(needs, "beneficiary__campaign")
        page = self.paginate_queryset(needs)
        now = timezone.now()
        return self.get_paginated_response([rep.need_data(need, now=now) for need in page])
