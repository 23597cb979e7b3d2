"""The donate form with a wallet chosen: the same fields as a card gift, one-off only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.donations.forms import DonationForm
from payments.donations.models import Frequency, PaymentMethodType
from payments.gateway.wallet import WALLET_METHODS


class WalletDonationForm(DonationForm):
    method = forms.ChoiceField(
        label=_("Pay with"), choices=[(m, PaymentMethodType(m).label) for m in WALLET_METHODS]
    )

    def clean_frequency(self) -> str:
        frequency = self.cleaned_data["frequency"]
        if frequency != Frequency.ONE_OFF:
            # WeChat Pay cannot be charged again without the donor; Alipay recurring needs
            # Stripe's separate approval (ADR 0201).
            raise forms.ValidationError(_("Monthly gifts are given by card."))
        return frequency
