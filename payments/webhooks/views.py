"""The provider's webhook endpoint: verify, store once, answer. Processing happens in a worker.

Whatever a correctly signed body holds, the answer is 2xx (stored, or a duplicate) or 400 with the
reason; never 500 (a 5xx makes the provider retry the same unusable body for days).
"""

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
        _pk, created = webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook as exc:
        return JsonResponse({"received": False, "error": str(exc)[:200]}, status=400)
    return JsonResponse({"received": True, "duplicate": not created})
