"""Forms of supporters' pages: what a supporter types, and the public's report of a page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField

from campaigns.amount_input import AmountField
from campaigns.form_labels import LabelledForm
from campaigns.models import Campaign
from payments.supporters.models import ReportReason, Team
from payments.supporters.services import SupporterPageRefused, goal_check


class SupporterPageForm(LabelledForm):
    title = forms.CharField(label=_("Title of your page"), max_length=100)
    words = forms.CharField(label=_("Why you are raising"), max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 6}))  # fmt: skip
    goal = AmountField(label=_("Your goal"), currency="CNY", help_text=_("For example 5000."))
    # Wagtail's own checks of an uploaded image: a real JPEG, PNG, GIF or WebP, within its size limits.
    photo = WagtailImageField(label=_("Photo (optional)"), required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["goal"].currency = campaign.currency

    def clean_goal(self):
        goal = self.cleaned_data["goal"]
        try:
            goal_check(goal=goal, campaign=self.campaign)
        except SupporterPageRefused as exc:
            raise forms.ValidationError(exc.messages) from None
        return goal


class SupporterPageStartForm(SupporterPageForm):
    team = forms.ModelChoiceField(label=_("Join a team (optional)"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("No team"))  # fmt: skip
    new_team_name = forms.CharField(label=_("Or start a team (optional)"), max_length=80, required=False,
                                    help_text=_("A name for your team; you will be its captain."))  # fmt: skip

    def __init__(self, *args, campaign: Campaign, teams: list[Team], **kwargs) -> None:
        super().__init__(*args, campaign=campaign, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])

    def clean(self):
        data = super().clean()
        if data.get("team") and data.get("new_team_name", "").strip():
            self.add_error("new_team_name", _("Join a team or start one, not both."))
        return data


class ReportForm(LabelledForm):
    reason = forms.ChoiceField(label=_("What is wrong with this page?"), choices=ReportReason.choices)
    details = forms.CharField(label=_("Details (optional)"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    # Honeypot: invisible to people, filled in by naive bots.
    website = forms.CharField(required=False, label=_("Leave this empty"))
