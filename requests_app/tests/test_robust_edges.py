"""Issue 13, item 11: the edges the security probe found.

A malformed bulk selection, a request to join an operator whose creation was
rejected, and the cap on pending requests under concurrent submissions
(tests/test_races.py has the PostgreSQL run).
"""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from entities.models import Membership, Status
from entities.tests.factories import ControlBodyFactory, OperatorFactory
from requests_app.models import AuthorisationRequest, RequestEvent, RequestStatus
from requests_app.services import (
    RequestError,
    request_approve,
    request_reject,
    request_submit,
    request_submit_new_operator,
    request_withdraw,
)

CHANGELIST = reverse("admin:requests_app_authorisationrequest_changelist")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- a bulk action with a malformed selection ---------------------------------------------


@pytest.mark.parametrize(
    "selection",
    [["abc"], ["1.5"], ["-1"], ["1e3"], ["99999999999999999999999"], ["١"], [""], ["1", "x"]],
)
def test_a_malformed_selection_is_told_not_a_500(
    client, validator_inao, pending_request, selection
):
    client.force_login(validator_inao)
    response = client.post(
        CHANGELIST, {"action": "bulk_approve", "index": "0", "_selected_action": selection}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["The selection was not understood: tick the requests again."]
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_a_malformed_selection_through_the_confirmation_path_is_told_too(
    client, validator_inao, pending_request
):
    client.force_login(validator_inao)  # no "index": the admin's path for confirmed actions
    response = client.post(CHANGELIST, {"action": "bulk_approve", "_selected_action": "abc"})
    assert response.status_code == 302
    assert "The selection was not understood" in messages_of(response)[0]


def test_ids_of_another_authoritys_requests_are_left_alone_and_said_so(
    client, validator_inao, other_authority, pending_request
):
    german = request_submit(
        applicant=UserFactory(), organisation=OperatorFactory(country="DE", name="Bio Köln")
    )
    client.force_login(validator_inao)
    response = client.post(
        CHANGELIST,
        {
            "action": "bulk_approve",
            "index": "0",
            "_selected_action": [german.pk, pending_request.pk],
        },
    )
    assert response.status_code == 302
    assert messages_of(response) == [
        "1 selected request is not in your queue: it was left as it was.",
        "1 request(s) approved.",
    ]
    german.refresh_from_db()
    assert german.is_pending
    only_german = client.post(
        CHANGELIST, {"action": "bulk_approve", "index": "0", "_selected_action": [german.pk, 10**9]}
    )
    assert messages_of(only_german)[-1:] == [
        "2 selected requests are not in your queue: they were left as they were."
    ]


def test_a_request_page_with_a_malformed_id_is_not_found(client, validator_inao):
    client.force_login(validator_inao)
    url = CHANGELIST + "abc/change/"
    assert client.get(url).status_code == 404


# --- requests to join an operator whose creation was rejected -------------------------------


@pytest.fixture
def new_operator_request(applicant, inao, validator_inao):
    data = {
        "name": "Nouvelle Bio SARL",
        "country": "FR",
        "city": "Nantes",
        "address": "3 quai de la Fosse",
        "postcode": "44000",
        "eori": "FR100000017",
        "is_importer": True,
        "is_first_consignee": False,
        "control_body": ControlBodyFactory(),
    }
    return request_submit_new_operator(applicant=applicant, operator_data=data, message="New")


@pytest.fixture
def stranger_request(new_operator_request, outsider):
    """A stranger asks to join the new operator while its creation waits."""
    return request_submit(applicant=outsider, organisation=new_operator_request.organisation)


def test_rejecting_the_creation_closes_the_requests_to_join_it_with_a_reason(
    new_operator_request, stranger_request, validator_inao, outsider
):
    mail.outbox.clear()
    request_reject(request=new_operator_request, decided_by=validator_inao, reason="Not found")

    stranger_request.refresh_from_db()
    assert stranger_request.status == RequestStatus.REJECTED
    assert stranger_request.decided_by == validator_inao
    assert "Nouvelle Bio SARL was not validated: nobody can join it" in stranger_request.reason
    closing = RequestEvent.objects.filter(request=stranger_request).last()
    assert (closing.action, closing.actor, closing.note) == (
        "rejected",
        validator_inao,
        stranger_request.reason,
    )
    # The stranger is told, as of any decision.
    assert any(outsider.email in m.to for m in mail.outbox)


def test_the_reason_is_in_the_applicants_e_mail_language(
    new_operator_request, validator_inao, outsider
):
    outsider.email_language = "fr"
    outsider.save()
    stranger = request_submit(applicant=outsider, organisation=new_operator_request.organisation)
    request_reject(request=new_operator_request, decided_by=validator_inao, reason="Inconnu")
    stranger.refresh_from_db()
    assert stranger.reason.startswith("La création de Nouvelle Bio SARL n'a pas été validée\u00a0:")


def test_withdrawing_the_creation_closes_them_too(
    new_operator_request, stranger_request, applicant
):
    request_withdraw(request=new_operator_request, by=applicant)
    stranger_request.refresh_from_db()
    assert stranger_request.status == RequestStatus.REJECTED
    assert stranger_request.decided_by == applicant


def test_a_request_to_join_a_rejected_operator_can_no_longer_be_approved(
    new_operator_request, stranger_request, validator_inao, outsider
):
    # As if it had stayed pending (a request from before this rule, or a race lost).
    request_reject(request=new_operator_request, decided_by=validator_inao, reason="Not found")
    AuthorisationRequest.objects.filter(pk=stranger_request.pk).update(
        status=RequestStatus.PENDING, decided_at=None, decided_by=None, reason=""
    )
    stranger_request.refresh_from_db()
    with pytest.raises(RequestError, match="accepts no requests"):
        request_approve(request=stranger_request, decided_by=validator_inao)
    stranger_request.refresh_from_db()
    assert stranger_request.is_pending
    assert not Membership.objects.filter(user=outsider).exists()


def test_the_admin_says_so_instead_of_approving(
    client, new_operator_request, stranger_request, validator_inao, outsider
):
    request_reject(request=new_operator_request, decided_by=validator_inao, reason="Not found")
    AuthorisationRequest.objects.filter(pk=stranger_request.pk).update(
        status=RequestStatus.PENDING, decided_at=None, decided_by=None, reason=""
    )
    client.force_login(validator_inao)
    url = reverse("admin:requests_app_authorisationrequest_approve", args=[stranger_request.pk])
    response = client.post(url, follow=True)
    assert "Nouvelle Bio SARL accepts no requests (status: Rejected)" in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SUSPENDED])
def test_nobody_is_attached_to_a_rejected_or_suspended_operator(
    pending_request, validator_inao, status
):
    type(pending_request.organisation).objects.filter(pk=pending_request.organisation_id).update(
        status=status
    )
    with pytest.raises(RequestError):
        request_approve(request=pending_request, decided_by=validator_inao)


def test_approving_the_creation_leaves_the_requests_to_join_it_pending(
    new_operator_request, stranger_request, validator_inao
):
    request_approve(request=new_operator_request, decided_by=validator_inao)
    stranger_request.refresh_from_db()
    assert stranger_request.is_pending
