"""Invite a colleague: a single-use link valid 30 days, revocable, that attaches on acceptance."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.tests.conftest import signup_data
from accounts.tests.factories import UserFactory
from entities import members
from entities.models import Invitation, Membership, OrganisationEvent

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _invite(client, operator, email):
    return client.post(reverse("entities:invite", args=[operator.pk]), {"email": email})


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/directory/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _shown(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_an_administrator_invites_a_colleague_who_gets_a_link(operator_admin, operator):
    response = _invite(_client(operator_admin), operator, "Bruno@Example.eu")
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["bruno@example.eu"]
    assert "Olivia Admin invites you to join Bio Import Lyon" in email.subject
    link = _link(email)
    assert link in email.alternatives[0][0]
    invitation = Invitation.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only the token's hash is kept.
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.expires_at - invitation.created_at == timedelta(days=30)
    event = OrganisationEvent.objects.get(organisation=operator)
    # Who invited, not the address: that stays in the invitation's row alone.
    assert (event.action, event.actor, event.note) == ("invited", operator_admin, "")


def test_the_inviter_is_told_the_same_whether_the_address_has_an_account(
    operator_admin, outsider, operator
):
    known = _invite(_client(operator_admin), operator, outsider.email)
    unknown = _invite(_client(operator_admin), operator, "nobody@example.eu")
    assert (known.status_code, unknown.status_code) == (302, 302)
    said = [
        _shown(r).replace(address, "ADDRESS")
        for r, address in ((known, outsider.email), (unknown, "nobody@example.eu"))
    ]
    assert said[0] == said[1] and "An invitation has been sent to ADDRESS" in said[0]
    assert len(mail.outbox) == 2


def test_only_administrators_invite(colleague, outsider, operator):
    assert _invite(_client(colleague), operator, "x@example.eu").status_code == 403
    assert _invite(_client(outsider), operator, "x@example.eu").status_code == 404
    assert not Invitation.objects.exists() and mail.outbox == []


def test_an_invalid_address_says_what_to_type(operator_admin, operator):
    response = _invite(_client(operator_admin), operator, "not an address")
    assert response.status_code == 400
    assert "Enter an e-mail address in the right format" in response.content.decode()


def test_an_existing_account_accepts_and_becomes_a_member_at_once(
    operator_admin, outsider, operator
):
    _invite(_client(operator_admin), operator, outsider.email)
    link = _link(mail.outbox[0])
    client = _client(outsider)
    page = client.get(link).content.decode()
    assert "Accept the invitation" in page and "Bio Import Lyon" in page
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == reverse("entities:members", args=[operator.pk])
    membership = Membership.objects.get(user=outsider, organisation=operator)
    assert not membership.is_admin
    event = OrganisationEvent.objects.get(organisation=operator, action="invitation_accepted")
    assert (event.actor, event.subject) == (operator_admin, outsider)  # who invited, who joined
    assert Notification.objects.filter(
        user=operator_admin, verb=members.INVITATION_ACCEPTED
    ).exists()
    # Single use.
    again = client.get(link)
    assert again.status_code == 404
    assert "already been accepted" in again.content.decode()


def test_someone_logged_in_with_another_address_cannot_accept(operator_admin, outsider, operator):
    _invite(_client(operator_admin), operator, "bruno@example.eu")
    link = _link(mail.outbox[0])
    client = _client(outsider)
    assert "another e-mail address" in client.get(link).content.decode()
    client.post(link)
    assert not Membership.objects.filter(user=outsider).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_link_expires_after_30_days(operator_admin, outsider, operator):
    _invite(_client(operator_admin), operator, outsider.email)
    link = _link(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        client = _client(outsider)
        response = client.get(link)
        assert response.status_code == 404 and "expired" in response.content.decode()
        client.post(link)
    assert not Membership.objects.filter(user=outsider).exists()


def test_an_administrator_revokes_an_invitation_and_its_link_stops_working(
    operator_admin, outsider, operator
):
    client = _client(operator_admin)
    _invite(client, operator, outsider.email)
    invitation = Invitation.objects.get()
    assert (
        outsider.email
        in client.get(reverse("entities:members", args=[operator.pk])).content.decode()
    )
    url = reverse("entities:invitation_revoke", args=[operator.pk, invitation.pk])
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_by == operator_admin
    assert OrganisationEvent.objects.filter(action="invitation_revoked").count() == 1
    link = _link(mail.outbox[0])
    assert "withdrawn" in _client(outsider).get(link).content.decode()


def test_members_cannot_revoke(operator_admin, colleague, operator):
    _invite(_client(operator_admin), operator, "bruno@example.eu")
    invitation = Invitation.objects.get()
    url = reverse("entities:invitation_revoke", args=[operator.pk, invitation.pk])
    assert _client(colleague).post(url).status_code == 403
    assert Invitation.objects.get().revoked_at is None


def test_inviting_an_address_again_replaces_the_first_link(operator_admin, outsider, operator):
    client = _client(operator_admin)
    _invite(client, operator, outsider.email)
    _invite(client, operator, outsider.email)
    first, second = (_link(m) for m in mail.outbox)
    assert _client(outsider).get(first).status_code == 404
    assert _client(outsider).get(second).status_code == 200
    assert Invitation.objects.open().count() == 1


def test_open_invitations_are_bounded(operator_admin, operator, monkeypatch):
    monkeypatch.setattr(members, "MAX_OPEN_INVITATIONS", 2)
    client = _client(operator_admin)
    statuses = [_invite(client, operator, f"p{n}@example.eu").status_code for n in range(3)]
    assert statuses == [302, 302, 400]
    assert Invitation.objects.count() == 2


def test_invitations_are_rate_limited(operator_admin, operator, monkeypatch):
    monkeypatch.setattr(members, "MAX_OPEN_INVITATIONS", 100)
    client = _client(operator_admin)
    statuses = [
        _invite(client, operator, f"p{n}@example.eu").status_code
        for n in range(members.MAX_INVITATIONS_PER_HOUR + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {302}


def test_a_newcomer_signs_up_from_the_link_with_the_address_filled_in_and_verified(
    operator_admin, operator
):
    _invite(_client(operator_admin), operator, "ada.lovelace@example.eu")
    link = _link(mail.outbox[0])
    mail.outbox.clear()
    client = Client()
    page = client.get(link).content.decode()
    signup_url = reverse("account_signup") + "?next=" + link
    assert signup_url in page
    form = client.get(signup_url).content.decode()
    assert 'value="ada.lovelace@example.eu"' in form
    response = client.post(signup_url, signup_data(next=link))
    assert response.status_code == 302 and response.url == link
    user = User.objects.get(email="ada.lovelace@example.eu")
    assert EmailAddress.objects.get(user=user).verified
    assert mail.outbox == []  # no set-password link to wait for: the invitation proved it
    accepted = client.post(link)
    assert accepted.url == reverse("account_set_password")
    assert Membership.objects.filter(user=user, organisation=operator).exists()


def test_another_address_typed_at_sign_up_is_not_verified(operator_admin, operator):
    _invite(_client(operator_admin), operator, "ada.lovelace@example.eu")
    link = _link(mail.outbox[0])
    client = Client()
    client.get(link)
    client.post(
        reverse("account_signup"),
        signup_data(email="grace@example.eu", email2="grace@example.eu"),
    )
    assert not EmailAddress.objects.get(email="grace@example.eu").verified


def test_an_unknown_link_says_so(client):
    response = client.get(reverse("entities:invitation", args=["nonsense"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_the_invitation_email_is_in_the_invitees_language(operator_admin, operator):
    UserFactory(email="jeanne@example.fr", email_language="fr")
    _invite(_client(operator_admin), operator, "jeanne@example.fr")
    assert "vous invite" in mail.outbox[0].subject


def test_download_my_data_holds_the_invitations_received_and_sent(
    operator_admin, outsider, operator
):
    import json

    _invite(_client(operator_admin), operator, outsider.email)
    for person, key in ((outsider, "invitations_received"), (operator_admin, "invitations_sent")):
        response = _client(person).get("/profile/my-data/")
        data = json.loads(b"".join(response.streaming_content))
        (row,) = data[key]
        assert row["organisation"] == "Bio Import Lyon" and row["invited_by"] == "Olivia Admin"
        assert row["accepted"] is None and row["revoked"] is None
    assert row["email"] == outsider.email  # what the administrator typed


def test_deleting_the_account_deletes_the_invitations_waiting_for_its_address(
    operator_admin, outsider, operator
):
    from accounts.services import account_delete

    _invite(_client(operator_admin), operator, outsider.email)
    account_delete(user=outsider)
    assert not Invitation.objects.exists()


def test_a_suspended_organisation_invites_nobody(operator_admin, operator):
    from entities.models import Organisation, Status

    Organisation.objects.filter(pk=operator.pk).update(status=Status.SUSPENDED)
    response = _invite(_client(operator_admin), operator, "bruno@example.eu")
    assert response.status_code == 400
    assert "it does not accept new members" in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []


def test_the_history_keeps_no_address_once_the_invitee_deletes_their_account(
    operator_admin, outsider, operator
):
    from accounts.services import account_delete

    address = outsider.email
    _invite(_client(operator_admin), operator, address)
    _client(outsider).post(_link(mail.outbox[0]))
    outsider.refresh_from_db()
    account_delete(user=outsider)
    events = OrganisationEvent.objects.filter(organisation=operator)
    assert {e.action for e in events} >= {"invited", "invitation_accepted"}
    assert not [e for e in events if address.lower() in e.note.lower()]
    assert not Invitation.objects.filter(email__iexact=address).exists()
