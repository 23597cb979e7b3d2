import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from tests.verification.factories import BeneficiaryFactory


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _english():
    # Assertions compare English labels; the site's default language is Chinese. URLs reversed in a
    # test therefore carry the /en/ prefix, so public pages are served in English too.
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    # Admin pages honour it; public pages follow the URL (unprefixed: LANGUAGE_CODE, /en/: English).
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def evidence_file():
    return ContentFile(b"%PDF-1.4 discharge note", name="discharge.pdf")


@pytest.fixture
def verified_beneficiary(db, verifier):
    return BeneficiaryFactory(verified_by=verifier)


@pytest.fixture
def field_officer(db):
    """A village official (the Field officers group), not a verifier."""
    from django.contrib.auth.models import Group, User

    from campaigns.roles import FIELD_OFFICERS

    user = User.objects.create_user(username="village-official", password="pw-field", is_staff=True)
    user.groups.add(Group.objects.get(name=FIELD_OFFICERS))
    return user
