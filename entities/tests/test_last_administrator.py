"""An organisation never loses its last administrator by its members' actions."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from entities import members
from entities.models import Membership, OrganisationEvent

LAST_ADMIN = "Make another member an administrator first"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _membership(user, operator):
    return Membership.objects.select_related("organisation", "user").get(
        user=user, organisation=operator
    )


@pytest.mark.django_db
def test_the_last_administrator_cannot_leave_and_is_told_why(operator_admin, colleague, operator):
    client = _client(operator_admin)
    url = reverse("entities:leave", args=[operator.pk])
    page = client.get(url).content.decode()
    assert "You are the last administrator of Bio Import Lyon" in page
    assert LAST_ADMIN in page and "Confirm" not in page
    response = client.post(url, follow=True)
    assert LAST_ADMIN in response.content.decode()
    assert _membership(operator_admin, operator).is_admin
    assert not OrganisationEvent.objects.exists()


@pytest.mark.django_db
def test_the_last_administrator_cannot_remove_their_own_rights(operator_admin, operator):
    mine = _membership(operator_admin, operator)
    url = reverse("entities:member_revoke_admin", args=[operator.pk, mine.pk])
    response = _client(operator_admin).post(url, follow=True)
    assert LAST_ADMIN in response.content.decode()
    assert _membership(operator_admin, operator).is_admin


@pytest.mark.django_db
def test_the_service_refuses_whatever_the_page_showed(operator_admin, operator):
    mine = _membership(operator_admin, operator)
    for change in (members.membership_leave, members.membership_revoke_admin):
        with pytest.raises(members.LastAdministrator, match=LAST_ADMIN):
            change(membership=mine, by=operator_admin)
    assert _membership(operator_admin, operator).is_admin


@pytest.mark.django_db
def test_with_two_administrators_one_may_leave_then_the_other_may_not(
    operator_admin, colleague, operator
):
    Membership.objects.filter(user=colleague, organisation=operator).update(is_admin=True)
    members.membership_leave(membership=_membership(operator_admin, operator), by=operator_admin)
    with pytest.raises(members.LastAdministrator):
        members.membership_leave(membership=_membership(colleague, operator), by=colleague)
    assert list(Membership.objects.filter(organisation=operator, is_admin=True)) == [
        _membership(colleague, operator)
    ]


@pytest.mark.django_db
def test_two_administrators_demoting_each_other_one_after_the_other_leave_one(
    operator_admin, colleague, operator
):
    Membership.objects.filter(user=colleague, organisation=operator).update(is_admin=True)
    # Both pages were loaded while both were administrators.
    olivia, claire = _membership(operator_admin, operator), _membership(colleague, operator)
    members.membership_revoke_admin(membership=claire, by=operator_admin)
    with pytest.raises(members.MembershipError):
        members.membership_revoke_admin(membership=olivia, by=colleague)
    admins = Membership.objects.filter(organisation=operator, is_admin=True)
    assert [m.user for m in admins] == [operator_admin]


@pytest.mark.django_db
def test_an_administrator_may_remove_their_own_rights_when_another_remains(
    operator_admin, colleague, operator
):
    Membership.objects.filter(user=colleague, organisation=operator).update(is_admin=True)
    members.membership_revoke_admin(
        membership=_membership(operator_admin, operator), by=operator_admin
    )
    assert not _membership(operator_admin, operator).is_admin
    with pytest.raises(members.LastAdministrator):
        members.membership_revoke_admin(membership=_membership(colleague, operator), by=colleague)


def _race(*contenders):
    """Run the callables at once, each on its own connection; what each did."""
    barrier = threading.Barrier(len(contenders))
    outcomes, errors = [], []

    def run(act):
        try:
            barrier.wait(timeout=10)
            act()
            outcomes.append("done")
        except members.MembershipError:
            outcomes.append("refused")
        except Exception as error:  # anything else is the failure under test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(act,)) for act in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_administrators_demoting_each_other_at_once_leave_one(
    operator_admin, colleague, operator, attempt
):
    Membership.objects.filter(user=colleague, organisation=operator).update(is_admin=True)
    olivia, claire = _membership(operator_admin, operator), _membership(colleague, operator)
    outcomes = _race(
        lambda: members.membership_revoke_admin(membership=claire, by=operator_admin),
        lambda: members.membership_revoke_admin(membership=olivia, by=colleague),
    )
    assert outcomes == ["done", "refused"]
    assert Membership.objects.filter(organisation=operator, is_admin=True).count() == 1
    assert OrganisationEvent.objects.filter(organisation=operator).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_administrators_leaving_at_once_leave_one(operator_admin, colleague, operator, attempt):
    Membership.objects.filter(user=colleague, organisation=operator).update(is_admin=True)
    olivia, claire = _membership(operator_admin, operator), _membership(colleague, operator)
    outcomes = _race(
        lambda: members.membership_leave(membership=olivia, by=operator_admin),
        lambda: members.membership_leave(membership=claire, by=colleague),
    )
    assert outcomes == ["done", "refused"]
    assert Membership.objects.filter(organisation=operator, is_admin=True).count() == 1


# --- The competent authority appoints one ---------------------------------------------


@pytest.mark.django_db
def test_a_validator_of_the_authority_appoints_an_administrator_in_the_admin(
    validator_inao, colleague, operator, operator_admin
):
    Membership.objects.filter(user=operator_admin, organisation=operator).delete()  # gone
    target = _membership(colleague, operator)
    client = _client(validator_inao)
    changelist = reverse("admin:entities_membership_changelist")
    assert "Claire Colleague" in client.get(changelist, {"q": operator.name}).content.decode()
    response = client.post(
        changelist,
        {"action": "appoint_administrators", "_selected_action": [target.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert _membership(colleague, operator).is_admin
    event = OrganisationEvent.objects.get(organisation=operator, action="admin_granted")
    assert (event.actor, event.subject) == (validator_inao, colleague)


@pytest.mark.django_db
def test_a_validator_of_another_authority_sees_no_french_member(
    validator_other, colleague, operator
):
    target = _membership(colleague, operator)
    client = _client(validator_other)
    changelist = reverse("admin:entities_membership_changelist")
    assert "Claire Colleague" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "appoint_administrators", "_selected_action": [target.pk]})
    assert not _membership(colleague, operator).is_admin
    change = reverse("admin:entities_membership_change", args=[target.pk])
    assert client.get(change).status_code in (302, 403, 404)


@pytest.mark.django_db
def test_members_and_outsiders_have_no_admin(colleague, outsider):
    for user in (colleague, outsider):
        response = _client(user).get(reverse("admin:entities_membership_changelist"))
        assert response.status_code == 302  # to the log-in: not staff
