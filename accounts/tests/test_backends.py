"""accounts.backends.PermissionBackend: ModelBackend's permissions, in one query."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import PermissionBackend
from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def permission(codename):
    return Permission.objects.get(codename=codename)


@pytest.fixture
def validators_group():
    group = Group.objects.create(name="Validators of the test")
    group.permissions.add(
        permission("view_authorisationrequest"), permission("decide_authorisationrequest")
    )
    return group


def fresh(user):
    """The person as the next request reads them: no permission cached yet."""
    return User.objects.get(pk=user.pk)


def people(validators_group):
    nobody = UserFactory()
    direct = UserFactory(is_staff=True)
    direct.user_permissions.add(permission("view_organisation"))
    grouped = UserFactory(is_staff=True)
    grouped.groups.add(validators_group)
    both = UserFactory(is_staff=True)  # one permission both ways: counted once
    both.groups.add(validators_group)
    both.user_permissions.add(permission("view_authorisationrequest"), permission("view_user"))
    inactive = UserFactory(is_active=False)
    inactive.groups.add(validators_group)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    return [nobody, direct, grouped, both, inactive, superuser]


def test_the_same_permissions_as_django_for_every_kind_of_person(validators_group):
    for person in people(validators_group):
        ours = PermissionBackend().get_all_permissions(fresh(person))
        djangos = ModelBackend().get_all_permissions(fresh(person))
        assert ours == djangos, person
    grouped = people(validators_group)[2]
    assert PermissionBackend().get_all_permissions(fresh(grouped)) == {
        "requests_app.view_authorisationrequest",
        "requests_app.decide_authorisationrequest",
    }


def test_one_query_then_none(validators_group):
    both = fresh(people(validators_group)[3])
    with CaptureQueriesContext(connection) as queries:
        assert both.has_perm("requests_app.decide_authorisationrequest")
        assert both.has_perm("accounts.view_user")
        assert not both.has_perm("entities.change_organisation")
        assert both.has_module_perms("requests_app")
    assert len(queries) == 1


def test_a_permission_for_one_object_is_not_given():
    person = UserFactory()
    person.user_permissions.add(permission("view_organisation"))
    assert PermissionBackend().get_all_permissions(fresh(person), obj=object()) == set()


def test_it_is_the_backend_in_use():
    from django.contrib.auth import get_backends

    assert isinstance(get_backends()[0], PermissionBackend)
