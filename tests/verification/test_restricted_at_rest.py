"""Restricted registry data at rest (ADR 0306): the database holds tokens, people see values by role."""

import csv
import importlib
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from campaigns.encryption import RestrictedDataUnreadable, decrypt
from campaigns.identity import household_hash
from campaigns.models import RegistryHousehold, RegistryPerson
from campaigns.registry.importer import registry_import
from campaigns.registry.sources import CsvRegistrySource
from campaigns.verification.beneficiaries import beneficiary_create, beneficiary_match
from tests.factories import CampaignFactory
from tests.verification.factories import (
    BeneficiaryFactory,
    RegistryHouseholdFactory,
    RegistryPersonFactory,
    make_id_number,
)

KEY_A = "dGVzdC1vbmx5LW5vdC1zZWNyZXQtZmllbGQta2V5LTA="  # the test settings' key
# Fernet signs with a key's first 16 bytes: B must differ from A there, or A verifies B's tokens and opens
# them with the wrong cipher key (garbage, or now and then a padding that happens to pass).
KEY_B = "c2Vjb25kLXRlc3Qtb25seS1ub3Qtc2VjcmV0LWtleSE="  # "second-test-only-not-secret-key!"
ID_NUMBER = make_id_number(777, birth="19480512")
PHONE = "13912345678"
NAME = "盘秀英"
TOWNSHIP = "沱江镇"
VILLAGE = "大圩村"
RESTRICTED = (ID_NUMBER, PHONE, NAME, TOWNSHIP, VILLAGE)
DATA = Path(__file__).resolve().parents[2] / "campaigns" / "fixtures" / "registry"


@pytest.fixture
def person(db):
    household = RegistryHouseholdFactory(township=TOWNSHIP, village=VILLAGE)
    return RegistryPersonFactory(household=household, id_number=ID_NUMBER, phone=PHONE, name=NAME)


def _rows_as_text(table: str) -> str:
    # Each row as PostgreSQL prints it, as a dump would hold it.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")
        return "\n".join(row[0] for row in cursor.fetchall())


def _database_as_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
    return "\n".join(_rows_as_text(table) for table in tables)


def test_a_raw_select_of_the_registry_tables_shows_tokens_not_values(person):
    # given a registered person with an ID number, phone, name and address (fixture)
    # when the tables are read with plain SQL, as a dump or a replica would read them
    people = _rows_as_text("campaigns_registryperson")
    households = _rows_as_text("campaigns_registryhousehold")

    # then no restricted value is there in clear
    assert [value for value in RESTRICTED if value in people + households] == []
    # and the columns hold tokens that open, with the key, to the values
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.name, p.id_number, p.phone, h.township, h.village, h.key "
            "FROM campaigns_registryperson p JOIN campaigns_registryhousehold h ON h.id = p.household_id"
        )
        *stored, key = cursor.fetchone()
    assert [decrypt(token) for token in stored] == [NAME, ID_NUMBER, PHONE, TOWNSHIP, VILLAGE]
    assert key == household_hash(
        household_id=person.household.household_id,
        county="江华瑶族自治县",
        township=TOWNSHIP,
        village=VILLAGE,
    )
    # and the model reads the values back
    again = RegistryPerson.objects.select_related("household").get(pk=person.pk)
    assert (again.id_number, again.phone, again.name) == (ID_NUMBER, PHONE, NAME)
    assert (again.household.township, again.household.village) == (TOWNSHIP, VILLAGE)


def test_no_table_holds_a_restricted_value_in_clear_after_an_import_and_a_match(db, verifier, tmp_path):
    # given the first 60 rows of the 2017 export imported, and a beneficiary matched to one of them
    with open(DATA / "registry_2017.csv", encoding="utf-8") as f:
        lines = f.readlines()[:61]
    export = tmp_path / "registry_head.csv"
    export.write_text("".join(lines), encoding="utf-8")
    registry_import(source=CsvRegistrySource(export), actor=verifier)
    rows = list(csv.DictReader(lines))
    beneficiary = beneficiary_create(
        actor=verifier, campaign=CampaignFactory(status="live"), pseudonym="白奶奶"
    )
    beneficiary_match(actor=verifier, beneficiary=beneficiary, id_number=rows[0]["id_number"])
    restricted = {row[column] for row in rows for column in ("id_number", "phone", "township", "village")}
    restricted.discard("")

    # when every table of the database is read as text (what pg_dump would write)
    dump = _database_as_text()

    # then no ID number, phone, township or village of the export is in it
    assert RegistryPerson.objects.count() == 60
    assert sorted(value for value in restricted if value in dump) == []


def test_the_database_cannot_be_asked_for_a_value(person):
    # given encrypted fields (tokens are randomised, so SQL equality would silently find nothing)
    # when a query filters by an ID number or a village
    # then it is refused: records are found by their keyed hash
    with pytest.raises(FieldError):
        RegistryPerson.objects.filter(id_number=ID_NUMBER).exists()
    with pytest.raises(FieldError):
        RegistryHousehold.objects.filter(village__contains="圩").exists()
    assert RegistryPerson.objects.filter(phone__isnull=True).count() == 0


def _staff(user: User) -> User:
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return User.objects.get(pk=user.pk)


LISTINGS = ["registry", "registry_imports", "beneficiaries", "outcomes", "needs", "audit_log"]


@pytest.mark.parametrize("role", ["superuser", "editor", "verifier", "finance_officer"])
def test_admin_listings_show_no_restricted_value_to_any_role(client, person, role, request):
    # given a beneficiary matched to the person (an audit event about the match)
    verifier = request.getfixturevalue("verifier")
    beneficiary = BeneficiaryFactory(registry_person=None, status="proposed", verified_at=None)
    beneficiary_match(actor=verifier, beneficiary=beneficiary, id_number=ID_NUMBER)
    if role == "superuser":
        user = User.objects.create_superuser("root", password="x")
    else:
        user = _staff(request.getfixturevalue(role))
    client.force_login(user)

    # when the user opens every listing of the verification and campaign admin
    pages = {name: client.get(reverse(f"{name}:index")) for name in LISTINGS}

    # then none shows an ID number, phone, name, township or village
    for name, response in pages.items():
        body = response.content.decode()
        assert [value for value in RESTRICTED if value in body] == [], name
    # and the registry listing did list the person to those who may list it (by household number)
    if role != "editor":
        assert person.household.household_id in pages["registry"].content.decode()


def test_the_registry_listing_decrypts_nothing(client, person, verifier, settings):
    # given a verifier, and keys that open none of the stored values (any decryption would fail)
    client.force_login(_staff(verifier))
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    # when the registry is listed, and searched by household number
    listing = client.get(reverse("registry:index"))
    search = client.get(reverse("registry:index"), {"q": person.household.household_id})

    # then both render the person's household: no restricted field was loaded
    assert listing.status_code == search.status_code == 200
    assert person.household.household_id in listing.content.decode()
    assert person.household.household_id in search.content.decode()


@pytest.mark.parametrize("role", ["verifier", "finance_officer"])
def test_the_roles_allowed_see_the_values_on_the_registry_record(client, person, role, request):
    # given a verifier or finance officer (both hold view_restricted_registry, ADR 0304)
    client.force_login(_staff(request.getfixturevalue(role)))

    # when they open the registry record
    body = client.get(reverse("registry:inspect", args=[person.pk])).content.decode()

    # then they see the ID number, phone and name, decrypted
    assert ID_NUMBER in body and PHONE in body and NAME in body


def test_the_verifier_sees_the_address_on_the_verify_screen(client, person, verifier):
    # given a beneficiary matched to the person
    beneficiary = BeneficiaryFactory(registry_person=None, status="proposed", verified_at=None)
    beneficiary_match(actor=verifier, beneficiary=beneficiary, id_number=ID_NUMBER)
    client.force_login(_staff(verifier))

    # when the verifier opens the verify screen
    body = client.get(reverse("verification_beneficiary_verify", args=[beneficiary.pk])).content.decode()

    # then the record, address included, is shown in clear
    assert TOWNSHIP + VILLAGE in body and ID_NUMBER in body and PHONE in body


def test_rotation_reencrypts_every_row_under_the_new_key(person, settings):
    # given rows encrypted under key A, and key B put in front of it
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    # when the rows are re-encrypted
    out = StringIO()
    call_command("reencrypt_restricted", "--batch-size", "1", stdout=out)

    # then one person and one household were rewritten
    assert "campaigns.RegistryPerson: 1 rows re-encrypted" in out.getvalue()
    assert "campaigns.RegistryHousehold: 1 rows re-encrypted" in out.getvalue()
    # and with key A removed every value still reads
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    again = RegistryPerson.objects.select_related("household").get(pk=person.pk)
    assert (again.id_number, again.phone, again.household.village) == (ID_NUMBER, PHONE, VILLAGE)
    # and key A alone no longer opens them: nothing was left under it
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    with pytest.raises(RestrictedDataUnreadable):
        RegistryPerson.objects.get(pk=person.pk)


def test_removing_a_key_too_early_fails_loudly_without_the_value(person, settings):
    # given rows under key A, and only key B configured (A removed before re-encrypting)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    # when the rows are read, or re-encrypted
    with pytest.raises(RestrictedDataUnreadable) as raised:
        RegistryPerson.objects.get(pk=person.pk)
    with pytest.raises(Exception, match="opens with none of the keys") as command:
        call_command("reencrypt_restricted", stdout=StringIO())

    # then the error names the variable and the fix, never a value
    assert "CLEARFUND_FIELD_ENCRYPTION_KEYS" in str(raised.value)
    assert [value for value in RESTRICTED if value in str(raised.value) + str(command.value)] == []


def test_the_data_migration_encrypts_plain_rows_and_reverses(person):
    # given a row as it was stored before encryption: values and the household key in clear
    hid = person.household.household_id
    plain_key = "|".join((hid, "江华瑶族自治县", TOWNSHIP, VILLAGE))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE campaigns_registryperson SET name = %s, id_number = %s, phone = %s WHERE id = %s",
            [NAME, ID_NUMBER, PHONE, person.pk],
        )
        cursor.execute(
            "UPDATE campaigns_registryhousehold SET township = %s, village = %s, key = %s WHERE id = %s",
            [TOWNSHIP, VILLAGE, plain_key, person.household_id],
        )
    migration = importlib.import_module("campaigns.migrations.0007_encrypt_restricted_registry_fields")
    editor = SimpleNamespace(connection=connection)

    # when the migration runs forwards, twice (a re-run leaves tokens alone)
    migration.encrypt_rows(None, editor)
    first = _rows_as_text("campaigns_registryperson") + _rows_as_text("campaigns_registryhousehold")
    migration.encrypt_rows(None, editor)

    # then nothing is in clear, the key is the keyed hash, and the second run changed nothing
    assert [value for value in (*RESTRICTED, plain_key) if value in first] == []
    assert RegistryHousehold.objects.get().key == household_hash(
        household_id=hid, county="江华瑶族自治县", township=TOWNSHIP, village=VILLAGE
    )
    assert _rows_as_text("campaigns_registryperson") + _rows_as_text("campaigns_registryhousehold") == first

    # when it runs backwards
    migration.decrypt_rows(None, editor)

    # then the values and the old key are back in clear
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, phone FROM campaigns_registryperson")
        assert cursor.fetchone() == (NAME, ID_NUMBER, PHONE)
        cursor.execute("SELECT township, village, key FROM campaigns_registryhousehold")
        assert cursor.fetchone() == (TOWNSHIP, VILLAGE, plain_key)
