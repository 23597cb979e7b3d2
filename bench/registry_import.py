"""Time the registry import: 2017 file into an empty registry, the same file again, then 2018.

Run: DJANGO_SETTINGS_MODULE=config.settings.dev python bench/registry_import.py  (needs a migrated DB;
it deletes the registry tables' rows first).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from campaigns.models import Beneficiary, RegistryHousehold, RegistryImport, RegistryPerson  # noqa: E402
from campaigns.registry.importer import registry_import  # noqa: E402
from campaigns.registry.sources import CsvRegistrySource  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "campaigns" / "fixtures" / "registry"

if Beneficiary.objects.exists():
    sys.exit("beneficiaries exist; run against a scratch database")
RegistryPerson.objects.all().delete()
RegistryHousehold.objects.all().delete()
RegistryImport.objects.all().delete()
for name in ("registry_2017.csv", "registry_2017.csv", "registry_2018.csv"):
    start = time.perf_counter()
    report = registry_import(source=CsvRegistrySource(DATA / name))
    elapsed = time.perf_counter() - start
    print(f"{name}: {elapsed:.2f} s  added={report.people_added} changed={report.people_changed}")
