"""The registry sync: validate a whole export, then apply it in one transaction.

An export is a full snapshot of the registry. Importing it makes the stored registry equal to it:
new households and people are added, changed fields are updated, and records the export no
longer lists are marked removed (never deleted: beneficiaries may point at them). A file with any
invalid row changes nothing. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from campaigns.models.registry import (
    RegistryHousehold,
    RegistryImport,
    RegistryPerson,
    RegistryStatus,
    Relation,
)
from campaigns.registry.sources import RegistrySource
from campaigns.registry.validation import HOUSEHOLD_FIELDS, PERSON_FIELDS, RowError, validate_rows
from campaigns.roles import Actor

logger = logging.getLogger(__name__)
BATCH = 2000


class RegistryImportError(ValueError):
    """The export has invalid rows; ``errors`` lists them by line. Nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the registry export")
        self.errors = errors


@dataclass
class ImportReport:
    households_added: int = 0
    households_changed: int = 0
    households_removed: int = 0
    households_exited: int = 0
    heads_changed_phone: int = 0
    people_added: int = 0
    people_changed: int = 0
    people_removed: int = 0
    field_changes: Counter = field(default_factory=Counter)

    @property
    def unchanged(self) -> bool:
        return not (self.households_added or self.households_changed or self.households_removed
                    or self.people_added or self.people_changed or self.people_removed)  # fmt: skip

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "field_changes"}
        data["field_changes"] = dict(sorted(self.field_changes.items()))
        return data


def _values(obj, fields) -> tuple:
    return tuple(getattr(obj, f) for f in fields)


def registry_import(*, source: RegistrySource, actor: Actor = None) -> ImportReport:
    """Make the stored registry equal to ``source``'s snapshot and report what changed.

    Raises ``RegistryImportError`` (with every problem, by line) if any row is invalid; in that
    case nothing is written. Runs in one transaction, with bulk writes.
    """
    today = timezone.localdate()
    households, people, errors = validate_rows(source.rows(), today=today)
    if errors:
        logger.warning("registry import of %s rejected: %d problem(s)", source.name, len(errors))
        raise RegistryImportError(errors)

    report = ImportReport()
    now = timezone.now()
    with transaction.atomic():
        # One sync at a time: lock the import log's table for writers.
        RegistryImport.objects.select_for_update().order_by("pk").first()
        changed_households = _sync_households(households, report, now)
        household_pk = dict(RegistryHousehold.objects.values_list("key", "pk"))
        changed_households |= _sync_people(people, household_pk, report, now)
        report.households_changed = len(changed_households)
        run = RegistryImport.objects.create(
            source=source.name,
            digest=source.digest(),
            imported_by=actor if actor is not None and actor.is_authenticated else None,
            rows=len(people),
            report=report.as_dict(),
        )
        from campaigns.services import audit  # the lead's module; imported late to keep startup light

        audit(actor=actor, action="registry.imported", subject=run, data=report.as_dict())
    logger.info("registry import of %s: %s", source.name, report.as_dict())
    return report


def _sync_households(households, report: ImportReport, now) -> set[str]:
    existing = {h.key: h for h in RegistryHousehold.objects.all()}
    new, changed_rows, changed_ids = [], [], set()
    touched: set[str] = set()
    for hid, record in households.items():
        current = existing.get(hid)
        wanted = _values(record, HOUSEHOLD_FIELDS)
        if current is None:
            new.append(RegistryHousehold(key=hid, **dict(zip(HOUSEHOLD_FIELDS, wanted, strict=True))))
            continue
        before = _values(current, HOUSEHOLD_FIELDS)
        if before == wanted and current.removed_at is None:
            continue
        if current.status != RegistryStatus.EXITED and record.status == RegistryStatus.EXITED:
            report.households_exited += 1
        for name, old, value in zip(HOUSEHOLD_FIELDS, before, wanted, strict=True):
            if old != value:
                report.field_changes[f"household.{name}"] += 1
                touched.add(name)
            setattr(current, name, value)
        current.removed_at = None
        current.updated_at = now
        changed_rows.append(current)
        changed_ids.add(hid)
    gone = [h for hid, h in existing.items() if hid not in households and h.removed_at is None]
    for household in gone:
        household.removed_at = now
        household.updated_at = now
    RegistryHousehold.objects.bulk_create(new, batch_size=BATCH)
    RegistryHousehold.objects.bulk_update(
        changed_rows + gone, [*sorted(touched), "removed_at", "updated_at"], batch_size=BATCH
    )
    report.households_added = len(new)
    report.households_removed = len(gone)
    return changed_ids


def _sync_people(people, household_pk: dict[str, int], report: ImportReport, now) -> set[str]:
    pk_household = {pk: hid for hid, pk in household_pk.items()}
    existing = {p.id_hash: p for p in RegistryPerson.objects.all()}
    new, changed_rows, changed_households = [], [], set()
    touched: set[str] = set()  # only the columns that changed go into the bulk update
    for id_hash, record in people.items():
        current = existing.get(id_hash)
        wanted = _values(record, PERSON_FIELDS)
        target_household = household_pk[record.household_key]
        if current is None:
            new.append(
                RegistryPerson(
                    household_id=target_household,
                    id_hash=id_hash,
                    **dict(zip(PERSON_FIELDS, wanted, strict=True)),
                )
            )
            continue
        before = _values(current, PERSON_FIELDS)
        if before == wanted and current.household_id == target_household and current.removed_at is None:
            continue
        for name, old, value in zip(PERSON_FIELDS, before, wanted, strict=True):
            if old != value:
                report.field_changes[name] += 1
                touched.add(name)
                setattr(current, name, value)
        if current.household_id != target_household:
            report.field_changes["household"] += 1
            touched.add("household")
            current.household_id = target_household
        if record.relation == Relation.HEAD and before[PERSON_FIELDS.index("phone")] != record.phone:
            report.heads_changed_phone += 1
        current.removed_at = None
        current.updated_at = now
        changed_rows.append(current)
        changed_households.add(record.household_key)
    gone = [p for h, p in existing.items() if h not in people and p.removed_at is None]
    for person in gone:
        person.removed_at = now
        person.updated_at = now
        changed_households.add(pk_household[person.household_id])
    RegistryPerson.objects.bulk_create(new, batch_size=BATCH)
    RegistryPerson.objects.bulk_update(
        changed_rows + gone, [*sorted(touched), "removed_at", "updated_at"], batch_size=BATCH
    )
    report.people_added = len(new)
    report.people_changed = len(changed_rows)
    report.people_removed = len(gone)
    return changed_households
