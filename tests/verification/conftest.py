import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from tests.verification.factories import BeneficiaryFactory


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _english():
    # Assertions compare English labels; the site's default language is Chinese.
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # admin pages honour it; payments/ URLs use LANGUAGE_CODE
    return client


@pytest.fixture
def evidence_file():
    return ContentFile(b"%PDF-1.4 discharge note", name="discharge.pdf")


@pytest.fixture
def verified_beneficiary(db, verifier):
    return BeneficiaryFactory(verified_by=verifier)
