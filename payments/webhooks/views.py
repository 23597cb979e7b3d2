"""The provider's webhook endpoint: verify, store once, answer. Processing happens in a worker."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.gateway.card import InvalidWebhook
from payments.webhooks.services import webhook_receive


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        _event, created = webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook:
        return JsonResponse({"received": False}, status=400)
    return JsonResponse({"received": True, "duplicate": not created})
