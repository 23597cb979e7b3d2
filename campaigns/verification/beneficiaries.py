"""Beneficiary services: propose, match to the registry, add evidence, verify, reject.

Rules: matching uses the keyed hash of the ID number (the number is never stored on the
beneficiary, logged or audited); only a verifier matches and verifies; verification needs a match,
at least one piece of evidence and a note; only verified beneficiaries may be funded.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.identity import gb11643_problem, identity_hash
from campaigns.models import (
    AgeBand,
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    Evidence,
    RegistryPerson,
    RegistryStatus,
)
from campaigns.roles import Actor
from campaigns.services import audit
from campaigns.verification.permissions import (
    is_field_officer,
    is_verifier,
    partner_of,
    require_verifier,
)


class NotFundable(ValidationError):
    """The beneficiary is not verified, so no money may be earmarked or released for them."""


def age_band_for(birth_date: date, *, today: date) -> str:
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    for band, low in ((AgeBand.ELDER, 65), (AgeBand.OLDER, 50), (AgeBand.MIDDLE, 35), (AgeBand.YOUNG, 18)):
        if age >= low:
            return band
    return AgeBand.CHILD


def beneficiary_create(
    *,
    actor: Actor,
    campaign: Campaign,
    pseudonym: str,
    story: str = "",
    story_consent: bool = False,
    photo=None,
    photo_consent: bool = False,
) -> Beneficiary:
    """Propose a beneficiary for a campaign (verifier). Raises ``PermissionDenied``."""
    require_verifier(actor)
    if not pseudonym.strip():
        raise ValidationError(_("A beneficiary needs a pseudonym."))
    with transaction.atomic():
        beneficiary = Beneficiary.objects.create(
            campaign=campaign,
            pseudonym=pseudonym.strip(),
            story=story,
            story_consent=story_consent,
            photo=photo,
            photo_consent=photo_consent,
        )
        audit(actor=actor, action="beneficiary.proposed", subject=beneficiary)
    return beneficiary


def beneficiary_match(*, actor: Actor, beneficiary: Beneficiary, id_number: str) -> Beneficiary:
    """Match a proposed beneficiary to a registered person by the keyed hash of ``id_number``.

    Raises ``PermissionDenied`` (not a verifier) or ``ValidationError`` (malformed number, no such
    registered person, household exited or removed, already a beneficiary of this campaign). The
    ID number itself is neither stored on the beneficiary nor written to the audit log.
    """
    require_verifier(actor)
    if beneficiary.status not in (BeneficiaryStatus.PROPOSED, BeneficiaryStatus.MATCHED):
        raise ValidationError(_("Only a proposed beneficiary can be matched."))
    if gb11643_problem(id_number):
        raise ValidationError(_("That is not a valid ID number."))
    digest = identity_hash(id_number)
    person = (
        RegistryPerson.objects.select_related("household")
        .filter(id_hash=digest, removed_at__isnull=True)
        .first()
    )
    if person is None:
        raise ValidationError(_("No registered person has that ID number."))
    if person.status != RegistryStatus.REGISTERED:
        raise ValidationError(_("This person's household has exited the registry."))
    duplicate = (
        Beneficiary.objects.filter(campaign=beneficiary.campaign, registry_person=person)
        .exclude(pk=beneficiary.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError(_("This person is already a beneficiary of this campaign."))
    with transaction.atomic():
        beneficiary.registry_person = person
        beneficiary.id_hash = digest
        beneficiary.age_band = age_band_for(person.birth_date, today=timezone.localdate())
        beneficiary.county = person.household.county
        beneficiary.status = BeneficiaryStatus.MATCHED
        beneficiary.save(update_fields=["registry_person", "id_hash", "age_band", "county", "status"])
        audit(
            actor=actor,
            action="beneficiary.matched",
            subject=beneficiary,
            data={"registry_person": person.pk, "county": person.household.county},
        )
    return beneficiary


def evidence_add(
    *,
    actor: Actor,
    summary: str,
    dated: date,
    file: File | None = None,
    document=None,
    beneficiary: Beneficiary | None = None,
    milestone=None,
    need=None,
) -> Evidence:
    """Attach evidence (a private file or a Wagtail document) to one subject.

    A verifier attaches to anything; a field officer to a beneficiary not yet verified or a need
    they posted; a partner's member to an outcome or a need of their own partner (ADR 0309).
    The uploader is recorded: they may not verify what they uploaded (four eyes). Raises
    ``PermissionDenied`` or ``ValidationError``.
    """
    _require_evidence_author(actor, beneficiary=beneficiary, milestone=milestone, need=need)
    if file is None and document is None:
        raise ValidationError(_("Evidence needs a file or a document."))
    if sum(x is not None for x in (beneficiary, milestone, need)) != 1:
        raise ValidationError(_("Evidence belongs to exactly one beneficiary, outcome or need."))
    with transaction.atomic():
        evidence = Evidence(
            beneficiary=beneficiary,
            milestone=milestone,
            need=need,
            document=document,
            summary=summary,
            dated=dated,
            uploaded_by=actor,
        )
        if file is not None:
            evidence.file.save(file.name.rsplit("/", 1)[-1], file, save=False)
        evidence.save()
        subject = beneficiary or milestone or need
        audit(actor=actor, action="evidence.added", subject=subject, data={"evidence": evidence.pk})
    return evidence


def _require_evidence_author(actor: Actor, *, beneficiary, milestone, need) -> None:
    if is_verifier(actor):
        return
    if is_field_officer(actor):
        if need is not None and need.posted_by_id == actor.pk:
            return
        if beneficiary is not None and beneficiary.status in (
            BeneficiaryStatus.PROPOSED,
            BeneficiaryStatus.MATCHED,
        ):
            return
    partner = partner_of(actor)
    if partner is not None:
        subject = milestone if milestone is not None else need
        if subject is not None and subject.partner_id == partner.pk:
            return
    raise PermissionDenied(_("You may not add evidence here."))


def beneficiary_verify(*, actor: Actor, beneficiary: Beneficiary, note: str) -> Beneficiary:
    """Sign off a matched beneficiary. Needs a verifier, a registry match, evidence and a note.

    Four eyes (ADR 0308): refused (``PermissionDenied``) to whoever proposed the beneficiary
    (``proposed_by``: a verifier posting a need proposes too), review finding 2. A verifier may
    still add their own visit's evidence when signing off someone another person proposed.
    Raises ``PermissionDenied`` or ``ValidationError``; nothing changes on failure.
    """
    require_verifier(actor)
    if not note.strip():
        raise ValidationError(_("Write a note saying what you checked."))
    with transaction.atomic():
        locked = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        if locked.status != BeneficiaryStatus.MATCHED or locked.registry_person_id is None:
            raise ValidationError(_("Match the beneficiary to the registry before verifying."))
        if not locked.evidence.exists():
            raise ValidationError(_("Add evidence before verifying."))
        if locked.proposed_by_id == actor.pk:
            raise PermissionDenied(_("You proposed this beneficiary; another verifier must verify them."))
        locked.status = BeneficiaryStatus.VERIFIED
        locked.verified_by = actor
        locked.verified_at = timezone.now()
        locked.verification_note = note.strip()
        locked.save(update_fields=["status", "verified_by", "verified_at", "verification_note"])
        audit(actor=actor, action="beneficiary.verified", subject=locked, reason=note.strip())
    beneficiary.refresh_from_db()
    return beneficiary


def beneficiary_reject(*, actor: Actor, beneficiary: Beneficiary, reason: str) -> Beneficiary:
    """Reject a beneficiary who is not yet funded, with a reason. Verifier only."""
    require_verifier(actor)
    if beneficiary.funded_at is not None:
        raise ValidationError(_("A funded beneficiary cannot be rejected; close their outcomes instead."))
    with transaction.atomic():
        beneficiary.status = BeneficiaryStatus.REJECTED
        beneficiary.save(update_fields=["status"])
        audit(actor=actor, action="beneficiary.rejected", subject=beneficiary, reason=reason)
    return beneficiary


def check_fundable(*, beneficiary: Beneficiary) -> None:
    """Raise ``NotFundable`` unless the beneficiary is verified (call before earmarking or releasing)."""
    if beneficiary.status != BeneficiaryStatus.VERIFIED:
        raise NotFundable(_("This beneficiary is not verified yet and cannot be funded."))
