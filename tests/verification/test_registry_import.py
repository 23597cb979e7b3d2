import csv
import hashlib
import hmac
import logging
from pathlib import Path

import pytest

from campaigns.identity import identity_hash
from campaigns.models import AuditEvent, RegistryHousehold, RegistryImport, RegistryPerson, RegistryStatus
from campaigns.registry.importer import RegistryImportError, registry_import
from campaigns.registry.sources import CsvRegistrySource

DATA = Path(__file__).resolve().parents[2] / "campaigns" / "fixtures" / "registry"


def _import(name: str):
    return registry_import(source=CsvRegistrySource(DATA / name))


def _restricted_values(name: str) -> set[str]:
    with open(DATA / name, encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    return {r[4] for r in rows if len(r) > 6 and r[4]} | {r[6] for r in rows if len(r) > 6 and r[6]}


def test_broken_file_is_rejected_with_line_numbers_and_imports_nothing(db, caplog):
    # given an empty registry
    caplog.set_level(logging.DEBUG)
    # when the broken export is imported
    with pytest.raises(RegistryImportError) as raised:
        _import("registry_broken.csv")
    # then every fault is reported by line and column
    assert [(e.line, e.column) for e in raised.value.errors] == [
        (3, "id_number"),
        (5, "village"),
        (7, "birth_date"),
        (9, "birth_date"),
        (9, "id_number"),
        (11, "poverty_cause"),
        (12, "household_id"),
        (14, ""),
    ]
    assert str(raised.value.errors[4]) == "line 9, id_number: duplicates the ID number on line 8"
    # and nothing was written, not even the rows that were valid
    assert RegistryPerson.objects.count() == 0
    assert RegistryHousehold.objects.count() == 0
    assert RegistryImport.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    # and neither the messages nor the log repeat an ID number or phone
    shown = " ".join(str(e) for e in raised.value.errors) + caplog.text
    assert not [v for v in _restricted_values("registry_broken.csv") if v in shown]


def test_first_import_stores_people_with_a_keyed_hash(db, settings, caplog):
    caplog.set_level(logging.DEBUG)
    # when the 2017 export is imported
    report = _import("registry_2017.csv")
    # then every household and person is stored
    assert (report.households_added, report.people_added) == (2400, 8482)
    assert RegistryPerson.objects.count() == 8482
    assert RegistryHousehold.objects.count() == 2400
    person = RegistryPerson.objects.get(id_hash=identity_hash("520521197301210021"))
    expected = hmac.new(
        settings.IDENTITY_HASH_KEY.encode(), b"520521197301210021", hashlib.sha256
    ).hexdigest()
    assert person.id_hash == expected
    assert (person.household.county, person.relation, person.gender) == ("大方县", "head", "F")
    # and the log holds counts only
    assert "520521197301210021" not in caplog.text
    assert "17125686639" not in caplog.text
    assert AuditEvent.objects.filter(action="registry.imported").count() == 1


def test_reimporting_the_same_file_changes_nothing(db):
    # given the 2017 export imported once
    _import("registry_2017.csv")
    stamps = dict(RegistryPerson.objects.values_list("id_hash", "updated_at"))
    # when it is imported again
    report = _import("registry_2017.csv")
    # then the report is empty and no row was touched
    assert report.unchanged
    assert report.as_dict()["people_added"] == 0
    assert dict(RegistryPerson.objects.values_list("id_hash", "updated_at")) == stamps
    assert RegistryPerson.objects.count() == 8482


def test_2018_sync_reports_exactly_the_known_changes(db):
    # given the 2017 export
    _import("registry_2017.csv")
    # when the 2018 export is imported
    report = _import("registry_2018.csv")
    # then: 120 households exited, 40 heads changed phone, 60 new households, nothing removed
    assert report.households_exited == 120
    assert report.heads_changed_phone == 40
    assert report.households_added == 60
    assert report.households_changed == 160
    assert report.households_removed == 0
    assert (report.people_added, report.people_changed, report.people_removed) == (208, 468, 0)
    assert dict(report.field_changes) == {"household.status": 120, "phone": 40, "status": 428}
    assert RegistryHousehold.objects.filter(status=RegistryStatus.EXITED).count() == 120
    # and importing 2018 again is a no-op
    assert _import("registry_2018.csv").unchanged


def test_a_household_missing_from_a_later_export_is_marked_removed_not_deleted(db, tmp_path):
    # given the 2017 export, and a copy without the first household (5 people)
    _import("registry_2017.csv")
    lines = (DATA / "registry_2017.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    shorter = tmp_path / "registry_shorter.csv"
    shorter.write_text(lines[0] + "".join(lines[6:]), encoding="utf-8")
    # when the shorter copy is imported
    report = registry_import(source=CsvRegistrySource(shorter))
    # then one household and its five people are reported removed and kept with a removal date
    assert (report.households_removed, report.people_removed) == (1, 5)
    assert RegistryPerson.objects.filter(removed_at__isnull=False).count() == 5
    assert RegistryPerson.objects.count() == 8482
    # and when the full export comes back they are restored
    restored = _import("registry_2017.csv")
    assert (restored.households_changed, restored.people_changed) == (1, 5)
    assert not RegistryPerson.objects.filter(removed_at__isnull=False).exists()


def test_wrong_header_is_rejected_on_line_1(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("household_id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(RegistryImportError) as raised:
        registry_import(source=CsvRegistrySource(bad))
    assert [e.line for e in raised.value.errors] == [1]
    assert RegistryPerson.objects.count() == 0
