"""A field officer finds a registered household from a phone and proposes one of its members.

The household is found by its registry number (the household number of the export) or by a
member's ID number, matched by keyed hash (``campaigns.identity``): the ID number is never
searched in clear, stored on the beneficiary, put in a URL or logged. What is shown back is the
household's number, county and members by relation, sex and age band: no names, ID numbers,
phones, townships or villages (ADR 0304, ADR 0308).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.identity import gb11643_problem, identity_hash
from campaigns.models import Beneficiary, BeneficiaryStatus, Campaign, RegistryPerson, RegistryStatus
from campaigns.models.registry import RESTRICTED_HOUSEHOLD_FIELDS, RESTRICTED_PERSON_FIELDS
from campaigns.roles import Actor
from campaigns.services import audit
from campaigns.verification.beneficiaries import age_band_for
from campaigns.verification.permissions import is_field_officer, is_verifier

_DEFERRED = (*RESTRICTED_PERSON_FIELDS, *(f"household__{f}" for f in RESTRICTED_HOUSEHOLD_FIELDS))


@dataclass(frozen=True)
class HouseholdMember:
    person_id: int
    household_number: str
    county: str
    relation: str
    gender: str
    age_band: str


def _require_poster(actor: Actor) -> None:
    if not (is_field_officer(actor) or is_verifier(actor)):
        raise PermissionDenied(_("Only a field officer or a verifier may do this."))


def household_find(*, actor: Actor, registry_number: str = "", id_number: str = "") -> list[HouseholdMember]:
    """The registered (not exited, not removed) members of the household with ``registry_number``,
    or of the household of the person with ``id_number`` (by keyed hash). At most 20 members, no
    restricted field loaded. Raises ``PermissionDenied`` or ``ValidationError`` (malformed ID number,
    nothing given)."""
    _require_poster(actor)
    people = RegistryPerson.objects.filter(removed_at__isnull=True, status=RegistryStatus.REGISTERED)
    if id_number.strip():
        if gb11643_problem(id_number):
            raise ValidationError(_("That is not a valid ID number."))
        person = people.filter(id_hash=identity_hash(id_number)).only("household_id").first()
        if person is None:
            return []
        people = people.filter(household_id=person.household_id)
    elif registry_number.strip():
        people = people.filter(household__household_id=registry_number.strip())
    else:
        raise ValidationError(_("Give the household's registry number or a member's ID number."))
    today = timezone.localdate()
    rows = people.select_related("household").defer(*_DEFERRED).order_by("household_id", "id")[:20]
    return [
        HouseholdMember(
            person_id=p.pk,
            household_number=p.household.household_id,
            county=p.household.county,
            relation=p.get_relation_display(),
            gender=p.get_gender_display(),
            age_band=str(
                dict(Beneficiary._meta.get_field("age_band").choices)[age_band_for(p.birth_date, today=today)]
            ),
        )
        for p in rows
    ]


def beneficiary_propose(
    *,
    actor: Actor,
    campaign: Campaign,
    person_id: int,
    pseudonym: str,
    story: str = "",
    story_consent: bool = False,
) -> Beneficiary:
    """Propose a registered person as a beneficiary of ``campaign``, matched to the registry (the
    person was found by ``household_find``). Not fundable until a verifier who is not the proposer
    verifies them (``need_vet`` or ``beneficiary_verify``). Raises ``PermissionDenied`` or
    ``ValidationError`` (no such registered person, already a beneficiary of this campaign)."""
    _require_poster(actor)
    if not pseudonym.strip():
        raise ValidationError(_("A beneficiary needs a pseudonym."))
    person = (
        RegistryPerson.objects.select_related("household").defer(*_DEFERRED)
        .filter(pk=person_id, removed_at__isnull=True, status=RegistryStatus.REGISTERED).first()
    )  # fmt: skip
    if person is None:
        raise ValidationError(_("No registered person was found."))
    if Beneficiary.objects.filter(campaign=campaign, registry_person=person).exists():
        raise ValidationError(_("This person is already a beneficiary of this campaign."))
    with transaction.atomic():
        beneficiary = Beneficiary.objects.create(
            campaign=campaign,
            pseudonym=pseudonym.strip(),
            story=story,
            story_consent=story_consent,
            registry_person=person,
            id_hash=person.id_hash,
            age_band=age_band_for(person.birth_date, today=timezone.localdate()),
            county=person.household.county,
            status=BeneficiaryStatus.MATCHED,
            proposed_by=actor,
        )
        audit(actor=actor, action="beneficiary.proposed", subject=beneficiary,
              data={"registry_person": person.pk, "county": person.household.county})  # fmt: skip
    return beneficiary


def beneficiary_for_need(*, actor: Actor, campaign: Campaign, person_id: int, pseudonym: str) -> Beneficiary:
    """The beneficiary a need is posted for: the campaign's existing beneficiary for this
    registered person if they are matched or verified (a second need for the same person, review
    finding 9), else a new proposal (``beneficiary_propose``). Raises ``PermissionDenied`` or
    ``ValidationError`` (no such person; a proposed-only or rejected beneficiary of this campaign)."""
    _require_poster(actor)
    existing = Beneficiary.objects.filter(
        campaign=campaign,
        registry_person_id=person_id,
        status__in=(BeneficiaryStatus.MATCHED, BeneficiaryStatus.VERIFIED),
    ).first()
    if existing is not None:
        return existing
    return beneficiary_propose(actor=actor, campaign=campaign, person_id=person_id, pseudonym=pseudonym)
