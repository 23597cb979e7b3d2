"""What public reads answer. Only public fields: pseudonyms, counties, partners, roles; never a
registry name, ID number, phone, township or village (ADR 0304), never a donor's email."""

from __future__ import annotations

from rest_framework import serializers

from payments.figures.selectors import MONEY_FIGURES

# Every figure of the money vocabulary (docs/glossary.md, ADR 0207), as read by campaign_totals.
FIGURE_NAMES = (*MONEY_FIGURES, "counted", "matched")

AMOUNT_PATTERN = r"^-?\d+(\.\d+)?$"


def amount_field(help_text: str) -> serializers.RegexField:
    return serializers.RegexField(AMOUNT_PATTERN, help_text=help_text, read_only=True)


class FiguresSerializer(serializers.Serializer):
    """The campaign's money figures in its currency, from the ledger's kept balances."""

    raised = amount_field("Raised: every gift captured, before refunds and disputes.")
    held = amount_field("Held in escrow.")
    approved_unpaid = amount_field("Approved for a partner, not yet paid.")
    paid = amount_field("Paid to partners.")
    refunded = amount_field("Refunded to donors.")
    disputed = amount_field("Disputed now (open chargebacks).")
    lost_to_disputes = amount_field("Lost to disputes.")
    to_recover = amount_field("Refunded after release, fronted by the platform, to recover.")
    counted = amount_field("Counts towards the goal: raised less refunded, disputed and lost.")
    matched = amount_field("Matched funds.")


class CampaignSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    region = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    funding_model = serializers.CharField(read_only=True)
    currency = serializers.CharField(read_only=True)
    goal = amount_field("The goal, in the campaign's currency.")
    min_gift = amount_field("The smallest gift taken.")
    unit_cost = serializers.RegexField(AMOUNT_PATTERN, read_only=True, allow_null=True)
    unit_label = serializers.CharField(read_only=True)
    units_funded = serializers.IntegerField(read_only=True)
    deadline = serializers.DateField(read_only=True)
    percent = serializers.IntegerField(read_only=True, help_text="'counted' as a percentage of the goal.")
    donors = serializers.IntegerField(read_only=True)
    figures = FiguresSerializer(read_only=True)


class UpdateSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True)
    summary = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)


class EvidenceSerializer(serializers.Serializer):
    summary = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True)


class DisbursementSerializer(serializers.Serializer):
    amount = amount_field("This release's amount (a gift's share of it in a trace).")
    currency = serializers.CharField(read_only=True)
    partner = serializers.CharField(read_only=True)
    beneficiary = serializers.CharField(read_only=True, help_text="The beneficiary's pseudonym.")
    outcome = serializers.CharField(read_only=True)
    verified_at = serializers.DateTimeField(read_only=True, allow_null=True)
    verified_by_role = serializers.CharField(read_only=True)
    approved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)
    figure = serializers.ChoiceField(choices=["approved_unpaid", "paid"], read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)


class NeedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    amount = amount_field("What it costs.")
    currency = serializers.CharField(read_only=True)
    county = serializers.CharField(read_only=True)
    beneficiary = serializers.CharField(read_only=True, help_text="The beneficiary's pseudonym.")
    campaign = serializers.SlugField(read_only=True)
    status = serializers.CharField(read_only=True)
    open = serializers.BooleanField(read_only=True, help_text="A donor may claim it now.")
    donor_alias = serializers.CharField(read_only=True, help_text="The paying donor's chosen public name.")


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    period = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)
    generated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True, help_text="The PDF.")
