import pytest
from django.contrib.auth.models import Group, User

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
