"""A field officer's post of a need for a registered household member, as one unit (ADR 0308).

The phone screen sends everything at once: who (a registry person, proposed as the campaign's
beneficiary or the one already matched), what (the need, with its English twins) and the files (a
household document for the beneficiary, a photo of the need). It is one transaction: a failure
half-way (a refused file, a storage error) leaves no beneficiary, need or evidence behind, and the
same post can be sent again (review finding 9).
"""

from __future__ import annotations

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Need, Partner
from campaigns.money import Money
from campaigns.roles import Actor
from campaigns.services import english_texts_set
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.households import beneficiary_for_need
from campaigns.verification.needs import need_post


@transaction.atomic
def need_post_for_household(
    *,
    actor: Actor,
    campaign: Campaign,
    person_id: int,
    pseudonym: str,
    title: str,
    kind: str,
    amount: Money,
    description: str,
    partner: Partner | None,
    english: dict[str, str] | None = None,
    document: File | None = None,
    photo: File | None = None,
) -> Need:
    """Propose (or reuse) the beneficiary for ``person_id`` in ``campaign``, post the need, set its
    English texts (``english``: field → text, blanks ignored; ADR 0403) and attach the files, all or
    nothing. Raises ``ValidationError`` or ``PermissionDenied`` from the services it calls; nothing
    is written then."""
    beneficiary = beneficiary_for_need(
        actor=actor, campaign=campaign, person_id=person_id, pseudonym=pseudonym
    )
    need = need_post(actor=actor, beneficiary=beneficiary, title=title, kind=kind, amount=amount,
                     description=description, partner=partner)  # fmt: skip
    texts = {name: text.strip() for name, text in (english or {}).items() if text.strip()}
    if texts:
        english_texts_set(actor=actor, record=need, texts=texts)
    today = timezone.localdate()
    if document:
        evidence_add(
            actor=actor, beneficiary=beneficiary, file=document, summary=_("Household document"), dated=today
        )
    if photo:
        evidence_add(actor=actor, need=need, file=photo, summary=_("Photo of the need"), dated=today)
    return need
