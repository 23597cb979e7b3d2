"""Admin edit forms for campaign pages."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from campaigns.amount_input import MAX_INPUT_LENGTH, AmountNotUnderstood, parse_amount
from campaigns.compliance import compliance_gaps

# Amounts an editor types on a campaign page, read by the one parser (ADR 0005) in the page's currency.
AMOUNT_FIELDS = ("goal", "unit_cost")


class TypedAmountField(forms.CharField):
    """An amount kept as typed; the form reads it once the page's currency is known. It has changed
    only if it reads as another amount ("750000" is the stored 750000.00), so Wagtail does not take
    an unchanged form for an edit."""

    currency = "CNY"

    def has_changed(self, initial, data) -> bool:
        if initial in (None, "") or data in (None, ""):
            return (initial in (None, "")) != (data in (None, ""))
        try:
            return parse_amount(str(data), currency=self.currency).amount != Decimal(str(initial))
        except (AmountNotUnderstood, InvalidOperation):
            return True


class CampaignPageForm(WagtailAdminPageForm):
    """The campaign page's edit form; on a translation it leaves out the shared terms.

    Only the default-locale page's terms are applied to the shared Campaign (ADR 0100), so a
    translation's term fields would be edited for nothing. They are removed from the form here (as
    Wagtail does for fields a user lacks permission for): their panels are then not shown, and a
    field that is not in the form is never written, so saving keeps the stored values.

    The goal and unit cost are typed as text and read by ``parse_amount`` once the currency is
    known: "３０００元" and "3,000" are ¥3,000; "3000,00" is refused, saying why.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.terms_editable:
            for name in self.instance.shared_term_fields:
                self.fields.pop(name, None)
        for name in AMOUNT_FIELDS:
            decimal = self.fields.get(name)
            if decimal is not None:
                self.fields[name] = TypedAmountField(
                    label=decimal.label,
                    required=decimal.required,
                    help_text=decimal.help_text,
                    max_length=MAX_INPUT_LENGTH,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
                self.fields[name].currency = self.instance.currency or "CNY"

    def clean(self):
        data = super().clean()
        self._check_compliance_on_submit(data)
        currency = data.get("currency") or self.instance.currency or "CNY"
        for name in AMOUNT_FIELDS:
            if name not in self.fields or name not in data:
                continue
            text = data[name]
            if text in (None, ""):
                data[name] = None
                continue
            try:
                amount = parse_amount(str(text), currency=currency)
            except AmountNotUnderstood as error:
                self.add_error(name, error.as_validation_error())
                continue
            if amount.amount <= 0:
                self.add_error(name, _("The amount must be more than zero."))
                continue
            data[name] = amount.amount
        return data

    def _check_compliance_on_submit(self, data: dict) -> None:
        """An editor sending a campaign for review (which makes it take gifts once approved) is told
        at once what the public must be shown first (ADR 0413), instead of the verifier finding out;
        a draft saves without them. Only the page that drives the terms is checked."""
        if "action-submit" not in self.data or "fundraising_filing_number" not in self.fields:
            return
        gaps = compliance_gaps(
            filing_number=data.get("fundraising_filing_number") or "",
            designated_platform=data.get("designated_platform") or "",
        )
        if gaps:
            raise forms.ValidationError(
                _("This campaign cannot be sent for review yet: a campaign that takes gifts must show who "
                  "raises the money and under which filing. Missing: %(gaps)s.") % {"gaps": "; ".join(gaps)}
            )  # fmt: skip
