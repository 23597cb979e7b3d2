"""Ledger movements for report tests, posted through the real ledger (``payments.ledger.services.entry_post``)."""

from __future__ import annotations

from campaigns.models import Campaign, Partner
from campaigns.money import Money
from payments.ledger.services import Leg, account_for, entry_post, escrow_account
from payments.models import AccountKind, LedgerEntry


def gift(campaign: Campaign, minor: int, *, key: str) -> LedgerEntry:
    amount = Money.from_minor(minor, campaign.currency)
    donors = account_for(kind=AccountKind.DONOR_FUNDS, currency=campaign.currency)
    return entry_post(
        key=key, kind="donation.captured", legs=[Leg(donors, -amount), Leg(escrow_account(campaign), amount)]
    )


def release(campaign: Campaign, partner: Partner, minor: int, *, key: str, memo: str = "") -> LedgerEntry:
    amount = Money.from_minor(minor, campaign.currency)
    payable = account_for(kind=AccountKind.PARTNER_PAYABLE, currency=campaign.currency, partner=partner)
    return entry_post(
        key=key,
        kind="release.approved",
        memo=memo,
        legs=[Leg(escrow_account(campaign), -amount), Leg(payable, amount)],
    )


def refund(campaign: Campaign, minor: int, *, key: str) -> LedgerEntry:
    amount = Money.from_minor(minor, campaign.currency)
    refunds = account_for(kind=AccountKind.REFUNDS, currency=campaign.currency)
    return entry_post(
        key=key, kind="refund.issued", legs=[Leg(escrow_account(campaign), -amount), Leg(refunds, amount)]
    )


def captured_donation(campaign: Campaign, *, email: str, minor: int, refunded_minor: int = 0):
    """A received gift as the donations area records it: the Donation row and its ledger entry."""
    from django.utils import timezone

    from payments.models import Donation, DonationStatus, DonorProfile

    donor, _created = DonorProfile.objects.get_or_create(email=email)
    donation = Donation.objects.create(
        campaign=campaign,
        donor=donor,
        amount_minor=minor,
        currency=campaign.currency,
        refunded_minor=refunded_minor,
        status=DonationStatus.PARTIALLY_REFUNDED if refunded_minor else DonationStatus.SUCCEEDED,
        idempotency_key=f"test-{campaign.pk}-{email}-{Donation.objects.count()}",
        captured_at=timezone.now(),
    )
    gift(campaign, minor, key=f"donation:{donation.pk}:captured")
    if refunded_minor:
        refund(campaign, refunded_minor, key=f"refund:{donation.pk}")
    return donation


def paid_release(*, beneficiary, partner, verifier, finance_officer, minor: int = 300_000, title: str = ""):
    """An outcome taken through the real flow: reported, verified, release approved (four eyes), paid."""
    from django.core.files.base import ContentFile

    from payments.releases.payouts import release_record_bank_transfer
    from payments.releases.services import release_approve
    from tests.verification.factories import verified_milestone

    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner, minor=minor)
    if title:
        type(milestone).objects.filter(pk=milestone.pk).update(title=title)
    release = release_approve(release=milestone.release, actor=finance_officer)
    return release_record_bank_transfer(
        release=release,
        actor=finance_officer,
        reference=f"BANK-{release.pk}",
        proof=ContentFile(b"%PDF-1.4 bank slip", name="slip.pdf"),
    )
