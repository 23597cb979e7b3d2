"""Admin list of the webhook inbox, read-only (grouped in the menu by ``payments.wagtail_hooks``).

Finance filters by status: ``waiting`` events are about objects not known yet and are retried by
the sweeper; ``failed`` ones were given up after too many attempts and need a person.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from payments.webhooks.models import WebhookEvent


class WebhookEventViewSet(ModelViewSet):
    name = "webhook_inbox"
    model = WebhookEvent
    icon = "download"
    menu_label = _("Provider events")
    list_display = ["event_id", "type", "status", "attempts", DateColumn("received_at", label=_("Received")),
                    DateColumn("next_attempt_at", label=_("Next attempt")), "error"]  # fmt: skip
    list_filter = ["status", "type"]
    search_fields = ["event_id", "type"]
    ordering = ["-received_at", "-id"]
    form_fields = []  # changed only by the inbox services
    inspect_view_enabled = True
    inspect_view_fields = ["event_id", "type", "status", "attempts", "received_at", "processed_at",
                           "next_attempt_at", "error"]  # fmt: skip
