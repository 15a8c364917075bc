"""The people of the story, shared by every app's tests.

An operator (`operator`, French, valid) has an administrator (`operator_admin`)
and a member (`colleague`). The `applicant` asks to join it; the `outsider` has
nothing to do with it. INAO (`inao`) is France's competent authority and
`validator_inao` decides for it; `validator_other` decides for Germany's
(`other_authority`). The `superuser` is a site administrator.
"""

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory
from entities.tests.factories import AuthorityFactory, MembershipFactory, OperatorFactory


def _validator(authority, **names):
    from requests_app.models import Validator
    from requests_app.services import VALIDATORS_GROUP, validators_group

    user = UserFactory(is_staff=True, **names)
    validators_group()
    user.groups.add(Group.objects.get(name=VALIDATORS_GROUP))
    Validator.objects.create(user=user, authority=authority)
    return user


@pytest.fixture
def inao(db):
    return AuthorityFactory(
        name="Institut national de l'origine et de la qualité", short_name="INAO", country="FR"
    )


@pytest.fixture
def other_authority(db):
    return AuthorityFactory(
        name="Bundesanstalt für Landwirtschaft und Ernährung", short_name="BLE", country="DE"
    )


@pytest.fixture
def operator(db, inao):
    return OperatorFactory(name="Bio Import Lyon", country="FR", city="Lyon")


@pytest.fixture
def operator_admin(operator):
    user = UserFactory(first_name="Olivia", last_name="Admin", email="olivia@bio-import.example")
    MembershipFactory(user=user, organisation=operator, is_admin=True)
    return user


@pytest.fixture
def colleague(operator, operator_admin):
    user = UserFactory(
        first_name="Claire", last_name="Colleague", email="claire@bio-import.example"
    )
    MembershipFactory(user=user, organisation=operator, is_admin=False)
    return user


@pytest.fixture
def applicant(db):
    return UserFactory(first_name="Anne", last_name="Applicant", email="anne@example.eu")


@pytest.fixture
def outsider(db):
    return UserFactory(first_name="Oscar", last_name="Outsider", email="oscar@example.eu")


@pytest.fixture
def validator_inao(inao):
    return _validator(inao, first_name="Victor", last_name="Inao", email="victor@inao.example")


@pytest.fixture
def validator_other(other_authority):
    return _validator(other_authority, first_name="Vera", last_name="Ble", email="vera@ble.example")


@pytest.fixture
def superuser(db):
    return UserFactory(
        first_name="Sam",
        last_name="Super",
        email="sam@traces.example",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def pending_request(applicant, operator, colleague, validator_inao):
    """Anne asks to join Bio Import Lyon (which has an administrator, Olivia)."""
    from requests_app.services import request_submit

    return request_submit(
        applicant=applicant, organisation=operator, message="I run the imports.", contact_phone=""
    )


@pytest.fixture
def cast(
    applicant, colleague, outsider, operator_admin, validator_inao, validator_other, superuser
):
    """Every person of the story by name, for access matrices."""
    return {
        "applicant": applicant,
        "colleague": colleague,
        "outsider": outsider,
        "operator_admin": operator_admin,
        "validator_inao": validator_inao,
        "validator_other": validator_other,
        "superuser": superuser,
    }
