"""One person, one hash, however the ID number was typed (issue 9 §7, ADR 0305)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaigns.identity import gb11643_problem, identity_hash, normalise_id_number
from campaigns.models import BeneficiaryStatus, RegistryPerson
from campaigns.registry.importer import RegistryImportError, registry_import
from campaigns.registry.sources import CsvRegistrySource
from campaigns.verification.beneficiaries import beneficiary_create, beneficiary_match
from tests.factories import CampaignFactory

DATA = Path(__file__).resolve().parents[2] / "campaigns" / "fixtures" / "registry"
LINES = (DATA / "registry_2017.csv").read_text(encoding="utf-8").splitlines(keepends=True)
# Household 5134300000002 (lines 7-11 of the 2017 export); line 8 is a child whose number ends in X.
HOUSEHOLD = LINES[6:11]
CHILD = "51343020081103014X"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@pytest.mark.parametrize(
    "typed",
    [
        "51343020081103014X",
        "51343020081103014x",
        "５１３４３０２００８１１０３０１４Ｘ",
        "５１３４３０２００８１１０３０１４ｘ",
        " 513430 20081103 014x ",
        "513430-20081103-014X",
        "5134 3020 0811 0301 4X",
        "５１３４３０　２００８１１０３　０１４Ｘ",
        "51343020081103014\u200bX",
    ],
)
def test_every_spelling_of_one_number_normalises_and_hashes_the_same(settings, typed):
    # when the typed number is normalised and hashed
    # then it is the canonical ASCII number, well-formed, with the canonical number's hash
    assert normalise_id_number(typed) == CHILD
    assert gb11643_problem(typed) is None
    assert identity_hash(typed) == identity_hash(CHILD)


@pytest.mark.parametrize(
    "typed",
    [
        "٥١٣٤٣٠٢٠٠٨١١٠٣٠١٤X",  # Arabic-Indic digits: int() reads them, so they used to pass
        "५१३४३०२००८११०३०१४X",  # Devanagari
    ],
)
def test_other_scripts_digits_are_not_an_id_number(typed):
    assert gb11643_problem(typed) == "must be 17 digits followed by a digit or X"


def _export(tmp_path: Path, name: str, lines: list[str]) -> CsvRegistrySource:
    path = tmp_path / name
    path.write_text(LINES[0] + "".join(lines), encoding="utf-8")
    return CsvRegistrySource(path)


def test_a_person_imported_full_width_and_matched_in_ascii_is_one_record(db, tmp_path, verifier):
    # given the household exported with the child's number in full width, spaced, lower-case x
    spelled = HOUSEHOLD[1].replace(CHILD, " ５１３４３０ ２００８１１０３ ０１４ｘ")
    registry_import(source=_export(tmp_path, "full_width.csv", [HOUSEHOLD[0], spelled, *HOUSEHOLD[2:]]))
    # when a verifier matches a beneficiary with the ASCII number, and the ASCII export is imported
    beneficiary = beneficiary_create(
        actor=verifier, campaign=CampaignFactory(status="live"), pseudonym="小史"
    )
    beneficiary_match(actor=verifier, beneficiary=beneficiary, id_number="51343020081103014x")
    report = registry_import(source=_export(tmp_path, "ascii.csv", HOUSEHOLD))
    # then the child is one record, stored in ASCII under the one hash, and the beneficiary points at it
    child = RegistryPerson.objects.get(id_hash=identity_hash(CHILD))
    assert (child.id_number, child.name, RegistryPerson.objects.count()) == (CHILD, "史强磊", 5)
    assert (beneficiary.registry_person_id, beneficiary.id_hash) == (child.pk, child.id_hash)
    assert beneficiary.status == BeneficiaryStatus.MATCHED
    # and the ASCII export changed nothing: no second hash, nothing removed
    assert report.unchanged
    assert RegistryPerson.objects.filter(removed_at__isnull=False).count() == 0


def test_one_number_spelled_two_ways_in_one_export_is_a_duplicate(db, tmp_path):
    # given an export listing the child twice, once in ASCII and once in full width
    twice = HOUSEHOLD[1].replace(CHILD, _full_width(CHILD)).replace("史强磊", "史强")
    source = _export(tmp_path, "twice.csv", [*HOUSEHOLD, twice])
    # when it is imported
    with pytest.raises(RegistryImportError) as raised:
        registry_import(source=source)
    # then the second spelling is refused as a duplicate and nothing is stored
    assert [str(e) for e in raised.value.errors] == ["line 7, id_number: duplicates the ID number on line 3"]
    assert RegistryPerson.objects.count() == 0


def test_matching_refuses_other_scripts_digits(db, tmp_path, verifier):
    # given the household imported
    registry_import(source=_export(tmp_path, "ascii.csv", HOUSEHOLD))
    beneficiary = beneficiary_create(
        actor=verifier, campaign=CampaignFactory(status="live"), pseudonym="小史"
    )
    # when the number is typed in Arabic-Indic digits
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        beneficiary_match(actor=verifier, beneficiary=beneficiary, id_number="٥١٣٤٣٠٢٠٠٨١١٠٣٠١٤X")
    # then it is refused as malformed (not looked up under a second hash) and nothing was matched
    assert raised.value.messages == ["That is not a valid ID number."]
    beneficiary.refresh_from_db()
    assert (beneficiary.registry_person_id, beneficiary.id_hash) == (None, "")


def test_the_verify_screen_takes_a_number_typed_with_spaces(client, db, tmp_path, verifier):
    # given the household imported and a proposed beneficiary
    registry_import(source=_export(tmp_path, "ascii.csv", HOUSEHOLD))
    beneficiary = beneficiary_create(
        actor=verifier, campaign=CampaignFactory(status="live"), pseudonym="小史"
    )
    verifier.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(verifier)
    # when the verifier types the number in groups, full width, on the verify screen
    client.post(
        reverse("verification_beneficiary_verify", args=[beneficiary.pk]),
        {
            "id_number": "５１３４３０　２００８１１０３　０１４ｘ",
            "summary": "户口本",
            "dated": "2026-11-01",
            "file": SimpleUploadedFile("consent.pdf", b"%PDF"),
        },
    )
    # then the beneficiary is matched to the one stored record
    beneficiary.refresh_from_db()
    assert beneficiary.registry_person == RegistryPerson.objects.get(id_hash=identity_hash(CHILD))
