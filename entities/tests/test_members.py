"""The members page: who is a member and an administrator, and what administrators change."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from entities import members
from entities.models import Membership, OrganisationAction, OrganisationEvent
from entities.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _members_url(operator):
    return reverse("entities:members", args=[operator.pk])


def _change_url(name, membership):
    return reverse(f"entities:{name}", args=[membership.organisation_id, membership.pk])


def _membership(user, operator):
    return Membership.objects.get(user=user, organisation=operator)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# --- Who sees what --------------------------------------------------------------


def test_members_and_administrators_see_the_page_and_nobody_else_does(cast, operator):
    expected = {
        "operator_admin": 200,
        "colleague": 200,
        "applicant": 404,
        "outsider": 404,
        "validator_inao": 404,
        "validator_other": 404,
        "superuser": 404,
    }
    seen = {
        name: _client(user).get(_members_url(operator)).status_code for name, user in cast.items()
    }
    assert seen == expected
    anonymous = Client().get(_members_url(operator))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))


def test_the_page_shows_each_member_with_role_and_since_when(operator_admin, colleague, operator):
    html = _client(colleague).get(_members_url(operator)).content.decode()
    assert "Olivia Admin" in html and "Claire Colleague" in html
    assert "Administrator" in html and "Member since" in html
    assert "<time datetime=" in html
    # A member sees who the administrators are, never their address.
    assert operator_admin.email not in html
    assert "Contact the administrators" in html
    # A member who is not an administrator changes nothing but themselves.
    assert "Make administrator" not in html and ">Remove<" not in html
    assert "Leave this organisation" in html


def test_an_administrator_sees_the_changes_they_can_make(operator_admin, colleague, operator):
    html = _client(operator_admin).get(_members_url(operator)).content.decode()
    colleague_membership = _membership(colleague, operator)
    assert _change_url("member_grant_admin", colleague_membership) in html
    assert _change_url("member_remove", colleague_membership) in html
    assert "Leave this organisation" in html


def test_the_organisation_page_links_members_for_its_members_only(
    operator_admin, colleague, outsider, operator
):
    page = reverse("entities:organisation", args=[operator.pk])
    assert _members_url(operator) in _client(colleague).get(page).content.decode()
    assert _members_url(operator) not in _client(outsider).get(page).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_runs_the_same_queries_whatever_the_number_of_members(
    operator_admin, operator, django_assert_num_queries, count
):
    for _ in range(count - 1):
        MembershipFactory(organisation=operator)
    client = _client(operator_admin)
    # session, user, unread notifications, the membership, the members, the invitations
    with django_assert_num_queries(6):
        response = client.get(_members_url(operator))
    assert response.content.decode().count("<tr>") == count + 1


# --- Changes, each confirmed ---------------------------------------------------------


@pytest.mark.parametrize("name", ["member_remove", "member_grant_admin", "member_revoke_admin"])
def test_each_change_shows_what_it_will_do_before_it_is_done(
    operator_admin, colleague, operator, name
):
    target = _membership(operator_admin if name == "member_revoke_admin" else colleague, operator)
    MembershipFactory(organisation=operator, is_admin=True)  # not the last administrator
    response = _client(operator_admin).get(_change_url(name, target))
    assert response.status_code == 200
    assert "Confirm" in response.content.decode()
    assert Membership.objects.filter(organisation=operator).count() == 3
    assert not OrganisationEvent.objects.filter(organisation=operator).exists()


def test_an_administrator_removes_a_member_who_is_told(operator_admin, colleague, operator):
    colleague.email_language = "fr"
    colleague.save()
    target = _membership(colleague, operator)
    response = _client(operator_admin).post(_change_url("member_remove", target))
    assert response.status_code == 302 and response.url == _members_url(operator)
    assert not Membership.objects.filter(pk=target.pk).exists()
    event = OrganisationEvent.objects.get(organisation=operator)
    assert (event.action, event.actor, event.subject) == (
        OrganisationAction.MEMBER_REMOVED,
        operator_admin,
        colleague,
    )
    (email,) = mail.outbox
    assert email.to == [colleague.email]
    assert "Vous ne faites plus partie de Bio Import Lyon" in email.subject
    assert "Olivia Admin" in email.body
    assert email.alternatives and "Olivia Admin" in email.alternatives[0][0]
    notice = Notification.objects.get(user=colleague)
    assert notice.verb == members.MEMBER_REMOVED and notice.actor == operator_admin
    assert "removed you from Bio Import Lyon" in notice.text


def test_an_administrator_makes_a_member_an_administrator(operator_admin, colleague, operator):
    target = _membership(colleague, operator)
    _client(operator_admin).post(_change_url("member_grant_admin", target))
    target.refresh_from_db()
    assert target.is_admin
    assert OrganisationEvent.objects.get(organisation=operator).action == "admin_granted"
    assert mail.outbox[0].to == [colleague.email]
    assert "administrator" in mail.outbox[0].subject
    assert Notification.objects.get(user=colleague).verb == members.ADMIN_GRANTED


def test_an_administrator_removes_another_administrators_rights(
    operator_admin, colleague, operator
):
    target = _membership(colleague, operator)
    Membership.objects.filter(pk=target.pk).update(is_admin=True)
    _client(operator_admin).post(_change_url("member_revoke_admin", target))
    target.refresh_from_db()
    assert not target.is_admin
    assert OrganisationEvent.objects.get(organisation=operator).action == "admin_revoked"
    assert Notification.objects.get(user=colleague).verb == members.ADMIN_REVOKED


def test_a_member_who_is_not_an_administrator_changes_nobody(operator_admin, colleague, operator):
    target = _membership(operator_admin, operator)
    client = _client(colleague)
    for name in ("member_remove", "member_grant_admin", "member_revoke_admin"):
        assert client.get(_change_url(name, target)).status_code == 403
        assert client.post(_change_url(name, target)).status_code == 403
    assert _membership(operator_admin, operator).is_admin
    assert not OrganisationEvent.objects.exists()


def test_a_membership_of_another_organisation_is_not_found(operator_admin, operator):
    elsewhere = MembershipFactory()
    url = reverse("entities:member_remove", args=[operator.pk, elsewhere.pk])
    assert _client(operator_admin).post(url).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_changes_need_the_csrf_token(operator_admin, colleague, operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator_admin)
    target = _membership(colleague, operator)
    assert client.post(_change_url("member_remove", target)).status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_member_leaves_and_the_administrators_are_told(operator_admin, colleague, operator):
    client = _client(colleague)
    url = reverse("entities:leave", args=[operator.pk])
    assert "Confirm" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(user=colleague, organisation=operator).exists()
    event = OrganisationEvent.objects.get(organisation=operator)
    assert (event.action, event.actor) == ("member_left", colleague)
    assert [e.to for e in mail.outbox] == [[colleague.email]]
    assert Notification.objects.filter(user=operator_admin, verb=members.MEMBER_LEFT).exists()


# --- Writing to the administrators -----------------------------------------------------


def test_a_member_writes_to_the_administrators_who_can_answer(operator_admin, colleague, operator):
    url = reverse("entities:contact_administrators", args=[operator.pk])
    response = _client(colleague).post(url, {"message": "Please add our new buyer."})
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == [operator_admin.email]
    assert email.extra_headers["Reply-To"] == colleague.email
    assert "Please add our new buyer." in email.body
    assert "Please add our new buyer." in email.alternatives[0][0]
    assert Notification.objects.filter(user=operator_admin).count() == 1


def test_an_empty_message_says_what_to_write(colleague, operator):
    url = reverse("entities:contact_administrators", args=[operator.pk])
    response = _client(colleague).post(url, {"message": "  "})
    assert response.status_code == 400
    assert "Write your message to the administrators" in response.content.decode()
    assert mail.outbox == []


def test_writing_to_the_administrators_is_rate_limited(operator_admin, colleague, operator):
    url = reverse("entities:contact_administrators", args=[operator.pk])
    client = _client(colleague)
    statuses = [
        client.post(url, {"message": f"Message {n}"}).status_code
        for n in range(members.CONTACT_MESSAGES_PER_HOUR + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {302}
    assert len(mail.outbox) == members.CONTACT_MESSAGES_PER_HOUR


def test_outsiders_cannot_write_to_the_administrators(operator_admin, outsider, operator):
    url = reverse("entities:contact_administrators", args=[operator.pk])
    assert _client(outsider).post(url, {"message": "Hello"}).status_code == 404
    assert mail.outbox == []


def test_a_french_member_reads_the_page_in_french(operator_admin, operator):
    operator_admin.interface_language = "fr"
    operator_admin.save()
    html = _client(operator_admin).get(_members_url(operator)).content.decode()
    assert "Membres" in html and "Quitter cette organisation" in html
