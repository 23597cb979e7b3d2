"""Admin list of the webhook inbox, read-only (grouped in the menu by ``payments.wagtail_hooks``).

Finance filters by status: ``waiting`` events are about objects not known yet and are retried by
the sweeper; ``failed`` ones were given up after too many attempts and need a person. Event types
read as labels in the reader's language, the provider's code folded beside each
(``payments.webhooks.event_types``).
"""

import django_filters
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.admin_inspect import SiteInspectView
from campaigns.admin_names import TitledByMenuLabel
from payments.webhooks.event_types import event_type_choices, event_type_html
from payments.webhooks.models import WebhookEvent


def _type_choices() -> list[tuple[str, str]]:
    codes = WebhookEvent.objects.order_by().values_list("type", flat=True).distinct()
    return event_type_choices(list(codes))


class WebhookEventFilterSet(WagtailFilterSet):
    """The types found in the inbox, by their labels; the query still filters on the code."""

    type = django_filters.ChoiceFilter(
        label=capfirst(WebhookEvent._meta.get_field("type").verbose_name), choices=_type_choices
    )

    class Meta:
        model = WebhookEvent
        fields = ["status", "type"]


class WebhookEventInspectView(SiteInspectView):
    def get_type_display_value(self):
        return event_type_html(self.object.type)


class WebhookEventViewSet(TitledByMenuLabel, ModelViewSet):
    name = "webhook_inbox"
    model = WebhookEvent
    icon = "download"
    menu_label = _("Provider events")
    list_display = ["event_id", Column("type", label=capfirst(WebhookEvent._meta.get_field("type").verbose_name), accessor=lambda e: event_type_html(e.type)),
                    "status", "attempts", DateColumn("received_at", label=_("Received")),
                    DateColumn("next_attempt_at", label=_("Next attempt")), "error"]  # fmt: skip
    filterset_class = WebhookEventFilterSet
    search_fields = ["event_id", "type"]
    ordering = ["-received_at", "-id"]
    form_fields = []  # changed only by the inbox services
    inspect_view_enabled = True
    inspect_view_class = WebhookEventInspectView
    inspect_view_fields = ["event_id", "type", "status", "attempts", "received_at", "processed_at",
                           "next_attempt_at", "error"]  # fmt: skip
