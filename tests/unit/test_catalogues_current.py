"""``makemessages`` run on the source finds nothing the shipped catalogues lack (issue 13).

``test_translations.py`` checks the committed catalogues are complete and compiled; this checks
they are current: a string marked in code or a template but never collected (``locale/compile.sh``
not run) would be shown in English to a Chinese reader while every catalogue looked complete. The
source is copied to a temporary folder and ``makemessages`` (as ``locale/compile.sh`` runs it) is
run there, so the working tree is not touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.test_translations import CATALOGUES, DELIBERATELY_UNTRANSLATED, ROOT, po_entries

pytestmark = pytest.mark.slow

SKIPPED = {".venv", "var", "tests", "bench", "node_modules", ".git", "docs", "__pycache__", ".ci"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("source") / "clearfund"
    shutil.copytree(
        ROOT, copy, ignore=lambda folder, names: {n for n in names if n in SKIPPED or n.endswith(".mo")}
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(copy)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete",
         "--ignore=.venv", "--ignore=var", "--ignore=tests", "--ignore=bench", "--ignore=node_modules"],
        cwd=copy, env=environment, check=True, capture_output=True,
    )  # fmt: skip
    return copy


@pytest.mark.parametrize("name", sorted(n for n in CATALOGUES if n != "wagtail"))
def test_makemessages_finds_no_string_the_catalogue_lacks(collected, name):
    relative = CATALOGUES[name].relative_to(ROOT) / "zh_Hans" / "LC_MESSAGES" / "django.po"
    shipped = po_entries(ROOT / relative)
    regenerated = po_entries(collected / relative)

    missing = sorted(set(regenerated) - set(shipped))
    untranslated = sorted(
        msgid
        for msgid, (msgstr, fuzzy) in regenerated.items()
        if (not msgstr or fuzzy) and msgid not in DELIBERATELY_UNTRANSLATED
    )

    assert missing == []
    assert untranslated == []
