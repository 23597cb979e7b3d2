import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import translation

from campaigns.roles import EDITORS, FINANCE_OFFICERS, VERIFIERS


def _member(username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db) -> User:
    return _member("editor", EDITORS)


@pytest.fixture
def second_editor(db) -> User:
    return _member("editor2", EDITORS)


@pytest.fixture
def verifier(db) -> User:
    return _member("verifier", VERIFIERS)


@pytest.fixture
def second_verifier(db) -> User:
    return _member("verifier2", VERIFIERS)


@pytest.fixture
def finance_officer(db) -> User:
    return _member("finance", FINANCE_OFFICERS)


@pytest.fixture
def fake_gateway(settings):
    """The in-memory card gateway (``payments.gateway.card_fake``), reset; shared by every area's
    tests that take a gift without localstripe. The cached gateway is dropped before and after, so
    the next test builds the gateway its settings name."""
    from payments.gateway.card import _gateway_instance, get_gateway

    settings.PAYMENTS_GATEWAY = "payments.gateway.card_fake.FakeGateway"
    _gateway_instance.cache_clear()
    gateway = get_gateway()
    gateway.reset()
    yield gateway
    _gateway_instance.cache_clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's default language: a request under /en/ leaves English active
    on the thread (Django's locale middleware does not switch back), which would leak into the next
    test's messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# A registered, qualified charity (ADR 0413): the credentials most tests run under, so that a
# campaign can be approved without each test writing site settings. A test marked
# ``site_credentials`` reads them from the site settings, as the site does.
TEST_CREDENTIALS = ("53430000MJ0000001F", "TEST-GM-2026-001")


@pytest.fixture(autouse=True)
def _registered_charity(request):
    from campaigns import compliance

    if request.node.get_closest_marker("site_credentials"):
        yield
        return
    registered = compliance._source
    compliance.credentials_source(lambda: compliance.Credentials(*TEST_CREDENTIALS))
    yield
    compliance.credentials_source(registered)


def pytest_collection_modifyitems(items):
    """Transactional tests (live server, threads, workers) empty every table when they finish,
    including the rows that migrations create: staff groups and their permissions, Wagtail's
    locales, root page and workflow. Serialized rollback puts those rows back for the next test."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = kwargs.get("transaction") or {"live_server", "transactional_db"} & set(
            item.fixturenames
        )
        if transactional and not kwargs.get("serialized_rollback"):
            item.add_marker(
                pytest.mark.django_db(**{**kwargs, "transaction": True, "serialized_rollback": True}),
                append=False,
            )
