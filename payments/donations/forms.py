"""The donation form: what the donor chooses. Card data never passes through it (Stripe.js)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.amount_input import AmountField
from campaigns.gift_bounds import gift_amount_check
from campaigns.models import Campaign, FundingModel
from campaigns.money import Money
from payments.donations.models import DonorProfile, Frequency


class DonationForm(forms.Form):
    # The one amount parser (ADR 0005): "１００元", "1,000" read; "100,00" refused saying why.
    amount = AmountField(label=_("Amount"), currency="CNY")
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices, initial=Frequency.ONE_OFF)
    # The column's length (254, RFC 5321's path limit), not Django's form default of 320: a longer
    # address is a form error, never a database error.
    email = forms.EmailField(
        label=_("Email for your receipt"), max_length=DonorProfile._meta.get_field("email").max_length
    )
    display_name = forms.CharField(label=_("Your name on the wall of support"), max_length=80, required=False)
    anonymous = forms.BooleanField(label=_("Give anonymously"), required=False)
    dedication = forms.CharField(label=_("In honour of (optional)"), max_length=120, required=False)
    public_message = forms.CharField(
        label=_("A message for the wall of support (optional)"), max_length=280, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    sibling_opt_in = forms.BooleanField(
        label=_("If this campaign misses its goal, give my gift to a similar campaign instead of a refund"),
        required=False,
    )
    attempt = forms.UUIDField(widget=forms.HiddenInput)
    # A gift earmarked for one verified beneficiary funds them first (``?for=<id>`` on the page).
    earmark = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Honeypot: invisible to people, filled in by naive bots.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["amount"].currency = campaign.currency
        if campaign.funding_model != FundingModel.ALL_OR_NOTHING:
            del self.fields["sibling_opt_in"]

    def clean_amount(self) -> Money:
        amount = self.cleaned_data["amount"]
        gift_amount_check(campaign=self.campaign, amount=amount)
        return amount

    def clean(self):
        data = super().clean()
        if data.get("anonymous"):
            data["display_name"] = ""
        return data
