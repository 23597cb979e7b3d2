"""Turning source rows into validated registry records, with line-numbered problems.

Messages name the line and the column but never repeat a restricted value (ID number, phone,
name, township, village), because import errors are shown on screens and written to logs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from campaigns.identity import (
    birth_date_in,
    gb11643_problem,
    household_hash,
    identity_hash,
    normalise_id_number,
)
from campaigns.models.registry import PovertyCause, RegistryStatus, Relation, SchoolStage
from campaigns.registry.sources import SourceRow

RELATIONS = {
    "户主": Relation.HEAD,
    "配偶": Relation.SPOUSE,
    "子女": Relation.CHILD,
    "父母": Relation.PARENT,
    "孙子女": Relation.GRANDCHILD,
}
CAUSES = {
    "因病": PovertyCause.ILLNESS,
    "因残": PovertyCause.DISABILITY,
    "因学": PovertyCause.SCHOOLING,
    "因灾": PovertyCause.DISASTER,
    "缺劳力": PovertyCause.LABOUR,
    "缺技术": PovertyCause.SKILLS,
    "缺资金": PovertyCause.CAPITAL,
}
STATUSES = {"在档": RegistryStatus.REGISTERED, "已脱贫": RegistryStatus.EXITED}
GENDERS = {"女": "F", "男": "M"}
SCHOOL_STAGES = {"", *SchoolStage.values}
FIRST_REGISTRATION_YEAR = 2013  # the 建档立卡 registry started in 2014; allow the pilot year
# Columns of digits and dates: NFKC reads a full-width "２０１４" as 2014, so a household keeps one key
# and a phone one spelling whichever way Excel saved them (ID numbers: normalise_id_number).
NUMERIC_COLUMNS = ("household_id", "birth_date", "phone", "registered_year", "income_per_capita_cny")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


def household_key(*, household_id: str, county: str, township: str, village: str) -> str:
    return household_hash(household_id=household_id, county=county, township=township, village=village)


@dataclass(frozen=True)
class HouseholdRecord:
    key: str
    household_id: str
    province: str
    city: str
    county: str
    township: str
    village: str
    poverty_cause: str
    registered_year: int
    status: str
    income_per_capita_cny: int


@dataclass(frozen=True)
class PersonRecord:
    household_key: str
    relation: str
    name: str
    gender: str
    id_number: str
    id_hash: str
    birth_date: date
    phone: str
    status: str
    health_condition: str
    school_stage: str


HOUSEHOLD_FIELDS = tuple(f for f in HouseholdRecord.__dataclass_fields__ if f != "key")
PERSON_FIELDS = tuple(f for f in PersonRecord.__dataclass_fields__ if f not in ("household_key", "id_hash"))


def _is_digits(value: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes "²" (which ``int`` then rejects) and other scripts'."""
    return value.isascii() and value.isdigit()


def _required(values: dict[str, str], column: str, line: int, errors: list[RowError]) -> str:
    value = values[column]
    if not value:
        errors.append(RowError(line, column, "is empty"))
    return value


def _choice(values, column, mapping, line, errors) -> str:
    value = values[column]
    if value not in mapping:
        errors.append(RowError(line, column, f"is not one of {', '.join(mapping)}"))
        return ""
    return mapping[value]


def _integer(values, column, line, errors, *, low: int, high: int) -> int:
    value = values[column]
    if not _is_digits(value) or not low <= int(value) <= high:
        errors.append(RowError(line, column, f"must be a whole number from {low} to {high}"))
        return 0
    return int(value)


def validate_row(row: SourceRow, *, today: date) -> tuple[HouseholdRecord | None, PersonRecord | None, list]:
    """Check one row; return its household and person records, or the problems found."""
    if row.values is None:
        return None, None, [RowError(row.line, "", row.problem)]
    line, errors = row.line, []
    v = {**row.values, **{c: unicodedata.normalize("NFKC", row.values[c]) for c in NUMERIC_COLUMNS}}
    household_id = _required(v, "household_id", line, errors)
    if household_id and not _is_digits(household_id):
        errors.append(RowError(line, "household_id", "must be digits only"))
    relation = _choice(v, "relation", RELATIONS, line, errors)
    name = _required(v, "name", line, errors)
    gender = _choice(v, "gender", GENDERS, line, errors)
    id_number = normalise_id_number(v["id_number"])
    problem = gb11643_problem(id_number)
    if problem:
        errors.append(RowError(line, "id_number", problem))
    birth_date = None
    try:
        birth_date = date.fromisoformat(v["birth_date"])
    except ValueError:
        errors.append(RowError(line, "birth_date", "is not a real date (YYYY-MM-DD)"))
    if birth_date is not None:
        if birth_date > today:
            errors.append(RowError(line, "birth_date", "is in the future"))
        elif not problem and birth_date_in(id_number) != birth_date:
            errors.append(RowError(line, "birth_date", "does not match the date in the ID number"))
    phone = v["phone"]
    if phone and not (len(phone) == 11 and _is_digits(phone) and phone.startswith("1")):
        errors.append(RowError(line, "phone", "must be empty or an 11-digit mobile number"))
    for column in ("province", "city", "county", "township", "village"):
        _required(v, column, line, errors)
    cause = _choice(v, "poverty_cause", CAUSES, line, errors)
    year = _integer(v, "registered_year", line, errors, low=FIRST_REGISTRATION_YEAR, high=today.year)
    status = _choice(v, "status", STATUSES, line, errors)
    if v["school_stage"] not in SCHOOL_STAGES:
        errors.append(RowError(line, "school_stage", "is not a known school stage"))
    income = _integer(v, "income_per_capita_cny", line, errors, low=0, high=1_000_000)
    if errors:
        return None, None, errors
    key = household_key(
        household_id=household_id, county=v["county"], township=v["township"], village=v["village"]
    )
    household = HouseholdRecord(
        key=key,
        household_id=household_id,
        province=v["province"],
        city=v["city"],
        county=v["county"],
        township=v["township"],
        village=v["village"],
        poverty_cause=cause,
        registered_year=year,
        status=status,
        income_per_capita_cny=income,
    )
    person = PersonRecord(
        household_key=key,
        relation=relation,
        name=name,
        gender=gender,
        id_number=id_number,
        id_hash=identity_hash(id_number),
        birth_date=birth_date,
        phone=phone,
        status=status,
        health_condition=v["health_condition"],
        school_stage=v["school_stage"],
    )
    return household, person, []


def validate_rows(
    rows: Iterable[SourceRow], *, today: date
) -> tuple[dict[str, HouseholdRecord], dict[str, PersonRecord], list[RowError]]:
    """Validate a whole export: every row, plus duplicate ID numbers across rows.

    Households are described by their head's row (or their first row when the head is missing).
    """
    households: dict[str, HouseholdRecord] = {}
    people: dict[str, PersonRecord] = {}
    first_line: dict[str, int] = {}
    errors: list[RowError] = []
    for row in rows:
        household, person, row_errors = validate_row(row, today=today)
        id_number = (row.values or {}).get("id_number", "")
        id_hash = identity_hash(id_number) if id_number and not gb11643_problem(id_number) else None
        if id_hash is not None and id_hash in first_line:
            row_errors.append(
                RowError(row.line, "id_number", f"duplicates the ID number on line {first_line[id_hash]}")
            )
        elif id_hash is not None:
            first_line[id_hash] = row.line
        if row_errors:
            errors.extend(row_errors)
            continue
        people[person.id_hash] = person
        if household.key not in households or person.relation == Relation.HEAD:
            households[household.key] = household
    return households, people, errors
