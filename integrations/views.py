"""Admin screens of outbound webhooks (ADR 0420): subscriptions (add, change, new secret shown
once), the delivery log with every attempt, and replay by hand. Finance officers and superusers
only (403 for other staff); bad input is answered 400 with the form's message, a replay of a
delivery still on its way 409. Rules are in ``services`` and ``delivery``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrations.delivery import ReplayNotPossible, delivery_replay
from integrations.forms import SubscriptionEditForm, SubscriptionForm
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from integrations.services import (
    may_manage,
    subscription_create,
    subscription_secret_renew,
    subscription_update,
)

DELIVERIES_PER_PAGE = 50


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """403 unless the user may manage webhooks. Answered here rather than by raising
    ``PermissionDenied``, which the Wagtail admin turns into a redirect to its home."""
    if may_manage(request.user):
        return None
    return HttpResponseForbidden(_("Only finance officers may manage webhooks."),
                                 content_type="text/plain; charset=utf-8")  # fmt: skip


def _form_errors(form, exc: ValidationError) -> None:
    field = {"scheme": "url", "host": "url", "address": "url", "dns": "url", "name": "name",
             "event_types": "event_types"}.get(getattr(exc, "code", None) or "")  # fmt: skip
    for message in exc.messages:
        form.add_error(field, message)


def subscriptions_view(request: HttpRequest) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    return render(request, "integrations/admin/subscriptions.html", {
        "page_title": _("Webhook subscriptions"), "header_icon": "link",
        "subscriptions": WebhookSubscription.objects.all(),
    })  # fmt: skip


def _secret_page(request: HttpRequest, subscription: WebhookSubscription, secret: str) -> HttpResponse:
    response = render(request, "integrations/admin/secret.html", {
        "page_title": _("Signing secret"), "header_icon": "key", "subscription": subscription, "secret": secret,
    })  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


def subscription_add_view(request: HttpRequest) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    form = SubscriptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                subscription, secret = subscription_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                return _secret_page(request, subscription, secret)
        status = 400
    return render(request, "integrations/admin/subscription_form.html", {
        "page_title": _("Add a webhook subscription"), "header_icon": "link", "form": form,
    }, status=status)  # fmt: skip


def subscription_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    initial = {"name": subscription.name, "url": subscription.url, "event_types": subscription.event_types,
               "is_active": subscription.is_active}  # fmt: skip
    form = SubscriptionEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                subscription_update(subscription=subscription, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                return redirect("integrations_subscriptions")
        status = 400
    deliveries = subscription.deliveries.select_related("event", "subscription")[:DELIVERIES_PER_PAGE]
    return render(request, "integrations/admin/subscription_form.html", {
        "page_title": _("Webhook subscription"), "header_icon": "link", "form": form,
        "subscription": subscription, "deliveries": deliveries,
    }, status=status)  # fmt: skip


@require_POST
def subscription_secret_view(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    return _secret_page(request, subscription, subscription_secret_renew(subscription=subscription,
                                                                         actor=request.user))  # fmt: skip


def deliveries_view(request: HttpRequest) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    status = request.GET.get("status", "")
    deliveries = WebhookDelivery.objects.select_related("event", "subscription")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("p"))
    return render(request, "integrations/admin/deliveries.html", {
        "page_title": _("Webhook deliveries"), "header_icon": "list-ul", "page": page,
        "statuses": DeliveryStatus.choices, "status": status,
    })  # fmt: skip


def _delivery_page(request: HttpRequest, delivery: WebhookDelivery, *, error: str = "", status: int = 200):
    return render(request, "integrations/admin/delivery.html", {
        "page_title": _("Webhook delivery"), "header_icon": "list-ul", "delivery": delivery,
        "attempts": delivery.attempts.all(), "error": error,
        "may_replay": delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED),
    }, status=status)  # fmt: skip


def delivery_view(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("event", "subscription"), pk=pk)
    return _delivery_page(request, delivery)


@require_POST
def delivery_replay_view(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        delivery_replay(delivery_id=delivery.pk, actor=request.user)
    except ReplayNotPossible as exc:
        delivery.refresh_from_db()
        return _delivery_page(request, delivery, error=" ".join(exc.messages), status=409)
    return redirect("integrations_delivery", pk=delivery.pk)
