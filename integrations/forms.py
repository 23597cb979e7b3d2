"""Admin forms of webhook subscriptions (ADR 0420). The rules are in ``services``; the forms only
read what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.form_labels import LabelledForm
from integrations.models import EventType


class SubscriptionForm(LabelledForm):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("Who receives it, e.g. the hospital's system."))  # fmt: skip
    url = forms.URLField(label=_("Target URL"), max_length=500, assume_scheme="https",
                         help_text=_("Where we send the events, https://…; we sign every request."))  # fmt: skip
    event_types = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )


class SubscriptionEditForm(SubscriptionForm):
    is_active = forms.BooleanField(label=pgettext_lazy("webhook subscription", "Active"), required=False,
                                   help_text=_("Inactive subscriptions receive no new events."))  # fmt: skip
