"""Registry exports in the encodings and characters county offices save them in (issue 9 §7, ADR 0305).

Encoded copies are made at test time from the UTF-8 fixture, so no binary file is committed.
"""

import csv
from pathlib import Path

import pytest

from campaigns.identity import identity_hash
from campaigns.models import AuditEvent, RegistryHousehold, RegistryImport, RegistryPerson
from campaigns.registry.importer import RegistryImportError, registry_import
from campaigns.registry.sources import CsvRegistrySource

DATA = Path(__file__).resolve().parents[2] / "campaigns" / "fixtures" / "registry"
# The header and the first 11 people of the 2017 export: three households.
LINES = (DATA / "registry_2017.csv").read_text(encoding="utf-8").splitlines(keepends=True)[:12]
NAMES = sorted(row[2] for row in csv.reader(LINES[1:]))


def _write(tmp_path: Path, name: str, data: bytes) -> CsvRegistrySource:
    path = tmp_path / name
    path.write_bytes(data)
    return CsvRegistrySource(path)


def _stored() -> set[tuple[str, str, str, str]]:
    return set(RegistryPerson.objects.values_list("household__key", "name", "relation", "id_hash"))


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [
        ("gbk", ","),  # Chinese Excel's "CSV (comma delimited)"
        ("gb18030", ","),
        ("utf-8-sig", ","),  # Excel's "CSV UTF-8", with a byte-order mark
        ("utf-16", "\t"),  # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated
    ],
)
def test_an_export_in_another_encoding_imports_the_same_people(db, tmp_path, encoding, separator):
    # given the same eleven rows in UTF-8 and in the other encoding
    text = "".join(LINES).replace(",", separator)
    other = _write(tmp_path, f"registry.{encoding}.csv", text.encode(encoding))
    utf8 = _write(tmp_path, "registry.utf-8.csv", "".join(LINES).encode("utf-8"))
    # when the other encoding is imported
    report = registry_import(source=other)
    # then the households and names are the ones the UTF-8 file holds
    assert (report.households_added, report.people_added) == (3, 11)
    head = RegistryPerson.objects.select_related("household").get(id_hash=identity_hash("520521197301210021"))
    assert (head.name, head.household.county, head.household.village) == ("白梅", "大方县", "大湾村")
    assert sorted(RegistryPerson.objects.values_list("name", flat=True)) == NAMES
    stored = _stored()
    # and importing the UTF-8 file afterwards changes nothing: the two files say the same thing
    assert registry_import(source=utf8).unchanged
    assert _stored() == stored


def test_an_export_that_is_neither_utf8_nor_gb18030_is_refused_on_its_line_and_imports_nothing(db, tmp_path):
    # given a UTF-8 export whose fourth line holds bytes no encoding we read accepts
    data = (
        "".join(LINES[:3]).encode("utf-8")
        + b"5205210000001,\xff\xfe\x80\x80,\n"
        + "".join(LINES[4:]).encode()
    )
    source = _write(tmp_path, "registry_garbage.csv", data)
    # when it is imported
    with pytest.raises(RegistryImportError) as raised:
        registry_import(source=source)
    # then one error names line 4 and says what to do
    assert [str(e) for e in raised.value.errors] == [
        "line 4: cannot be read as UTF-8 or as GB18030 (GBK); save the file as “CSV UTF-8” and import it again"
    ]
    # and nothing was written, not even the rows before it
    assert RegistryPerson.objects.count() == 0
    assert RegistryHousehold.objects.count() == 0
    assert RegistryImport.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_gbk_export_with_a_damaged_line_is_refused_on_that_line(db, tmp_path):
    # given a GBK export whose seventh line was cut in the middle of a character
    data = b"".join(line.encode("gbk") for line in LINES[:6]) + "史强".encode("gbk")[:3] + b"\n"
    source = _write(tmp_path, "registry_damaged.csv", data + "".join(LINES[7:]).encode("gbk"))
    # when it is imported
    with pytest.raises(RegistryImportError) as raised:
        registry_import(source=source)
    # then the error is on line 7, where GB18030 (which read furthest) stopped
    assert [(e.line, e.column) for e in raised.value.errors] == [(7, "")]
    assert RegistryPerson.objects.count() == 0


def test_a_file_marked_utf8_that_is_not_is_refused_on_the_failing_line(db, tmp_path):
    # given a file that starts with the UTF-8 byte-order mark but whose third line is GBK
    data = b"\xef\xbb\xbf" + "".join(LINES[:2]).encode("utf-8") + "".join(LINES[2:]).encode("gbk")
    source = _write(tmp_path, "registry_mixed.csv", data)
    # when it is imported
    with pytest.raises(RegistryImportError) as raised:
        registry_import(source=source)
    # then the BOM is believed and the error names line 3
    assert [str(e) for e in raised.value.errors] == [
        "line 3: is not valid UTF-8 text, although the file starts with its byte-order mark"
    ]
    assert RegistryPerson.objects.count() == 0


def _full_width_digits(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isdigit() else c for c in text)


def test_full_width_digits_in_number_and_date_columns_read_as_ascii(db, tmp_path):
    # given the household of line 2 with every digit of every cell in full width (IME input in Excel)
    head = "".join(LINES[:1] + [_full_width_digits(line) for line in LINES[1:6]])
    full_width = _write(tmp_path, "registry_full_width.csv", head.encode("gbk"))
    ascii_copy = _write(tmp_path, "registry_ascii.csv", "".join(LINES[:6]).encode("utf-8"))
    # when it is imported, and then the ASCII copy
    report = registry_import(source=full_width)
    again = registry_import(source=ascii_copy)
    # then one household with its ASCII number, year, income and phone, and the ASCII copy changes nothing
    household = RegistryHousehold.objects.get()
    assert (household.household_id, household.registered_year, household.income_per_capita_cny) == (
        "5205210000001",
        2014,
        2472,
    )
    assert RegistryPerson.objects.get(relation="head").phone == "17125686639"
    assert (report.households_added, report.people_added) == (1, 5)
    assert again.unchanged


def test_a_digit_int_cannot_read_is_a_line_numbered_error_not_a_crash(db, tmp_path):
    # given a row whose income is "፩472" (Ethiopic one: "፩".isdigit() is True but int("፩") raised ValueError)
    bad = LINES[1].replace(",2472", ",፩472")
    source = _write(tmp_path, "registry_ethiopic.csv", (LINES[0] + bad).encode("utf-8"))
    # when it is imported
    with pytest.raises(RegistryImportError) as raised:
        registry_import(source=source)
    # then the problem is reported on line 2 and nothing is stored
    assert [str(e) for e in raised.value.errors] == [
        "line 2, income_per_capita_cny: must be a whole number from 0 to 1000000"
    ]
    assert RegistryPerson.objects.count() == 0
