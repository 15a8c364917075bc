"""The state machine: Pending -> Approved / Rejected / Withdrawn, and nothing else."""

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from entities.models import Membership, Status
from entities.tests.factories import OperatorFactory
from requests_app.models import AuthorisationRequest, RequestEvent, RequestStatus
from requests_app.services import (
    RequestError,
    RequestNotAllowed,
    RequestNotPending,
    request_approve,
    request_reject,
    request_submit_new_operator,
    request_withdraw,
)


@pytest.fixture
def new_operator_request(applicant, inao, validator_inao):
    from entities.tests.factories import ControlBodyFactory

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


def test_approving_an_attachment_creates_the_membership(pending_request, validator_inao):
    request = request_approve(request=pending_request, decided_by=validator_inao)

    assert request.status == RequestStatus.APPROVED
    assert request.decided_by == validator_inao
    membership = Membership.objects.get(user=pending_request.applicant)
    assert membership.organisation == pending_request.organisation
    assert not membership.is_admin  # the operator already has an administrator
    assert list(RequestEvent.objects.filter(request=request).values_list("action", flat=True)) == [
        "submitted",
        "approved",
    ]


def test_the_first_approved_member_of_an_operator_becomes_its_administrator(
    applicant, db, inao, validator_inao
):
    from requests_app.services import request_submit

    operator = OperatorFactory(country="FR")
    request = request_submit(applicant=applicant, organisation=operator)
    request_approve(request=request, decided_by=validator_inao)
    assert Membership.objects.get(user=applicant, organisation=operator).is_admin


def test_the_operator_administrator_approves_a_colleague(pending_request, operator_admin):
    request_approve(request=pending_request, decided_by=operator_admin)
    assert Membership.objects.filter(user=pending_request.applicant).exists()


def test_approving_a_new_operator_makes_it_valid_and_the_applicant_its_administrator(
    new_operator_request, validator_inao, applicant
):
    operator = new_operator_request.organisation
    assert operator.status == Status.NEW
    assert operator.created_by == applicant

    request_approve(request=new_operator_request, decided_by=validator_inao)

    operator.refresh_from_db()
    assert operator.status == Status.VALID
    assert Membership.objects.get(user=applicant, organisation=operator).is_admin


def test_rejecting_a_new_operator_makes_it_rejected(new_operator_request, validator_inao):
    request_reject(request=new_operator_request, decided_by=validator_inao, reason="Unknown EORI")
    new_operator_request.organisation.refresh_from_db()
    assert new_operator_request.organisation.status == Status.REJECTED
    assert not Membership.objects.exists()


def test_a_new_operator_and_its_request_are_written_together_or_not_at_all(applicant, inao):
    with pytest.raises(Exception):  # noqa: B017 - whatever operator_create raises
        request_submit_new_operator(
            applicant=applicant,
            operator_data={"name": "Bad", "country": "FR", "is_importer": True, "eori": ""},
        )
    assert not AuthorisationRequest.objects.exists()
    from entities.models import Organisation

    assert not Organisation.objects.operators().exists()


def test_rejecting_keeps_the_reason_and_tells_the_applicant(pending_request, validator_inao):
    mail.outbox.clear()
    request = request_reject(
        request=pending_request, decided_by=validator_inao, reason="  Not an employee.  "
    )
    assert request.status == RequestStatus.REJECTED
    assert request.reason == "Not an employee."
    assert not Membership.objects.filter(user=pending_request.applicant).exists()
    [email] = mail.outbox
    assert email.to == [pending_request.applicant.email]
    assert "rejected" in email.subject
    assert "Not an employee." in email.body
    event = RequestEvent.objects.filter(request=request).last()
    assert (event.action, event.note, event.actor) == (
        "rejected",
        "Not an employee.",
        validator_inao,
    )


def test_it_refuses_a_rejection_without_a_reason(pending_request, validator_inao):
    with pytest.raises(RequestError, match="reason"):
        request_reject(request=pending_request, decided_by=validator_inao, reason="   ")
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_the_applicant_withdraws_a_pending_request(pending_request, applicant):
    request = request_withdraw(request=pending_request, by=applicant)
    assert request.status == RequestStatus.WITHDRAWN
    assert request.decided_at is not None


def test_withdrawing_a_new_operator_request_leaves_no_operator_waiting(
    new_operator_request, applicant
):
    request_withdraw(request=new_operator_request, by=applicant)
    new_operator_request.organisation.refresh_from_db()
    assert new_operator_request.organisation.status == Status.REJECTED


def test_nobody_else_withdraws_a_request(pending_request, operator_admin):
    with pytest.raises(RequestNotAllowed):
        request_withdraw(request=pending_request, by=operator_admin)
    pending_request.refresh_from_db()
    assert pending_request.is_pending


CLOSE = {
    "approve": lambda r, user: request_approve(request=r, decided_by=user),
    "reject": lambda r, user: request_reject(request=r, decided_by=user, reason="No"),
}


@pytest.mark.parametrize("first", ["approve", "reject", "withdraw"])
@pytest.mark.parametrize("then", ["approve", "reject", "withdraw"])
def test_a_closed_request_cannot_change_again(pending_request, validator_inao, first, then):
    def act(action):
        if action == "withdraw":
            return request_withdraw(request=pending_request, by=pending_request.applicant)
        return CLOSE[action](pending_request, validator_inao)

    closed = act(first)
    with pytest.raises(RequestNotPending, match="no longer pending"):
        act(then)
    pending_request.refresh_from_db()
    assert pending_request.status == closed.status
    assert RequestEvent.objects.filter(request=pending_request).count() == 2


@pytest.mark.parametrize("who", ["applicant", "colleague", "outsider", "validator_other"])
def test_only_those_it_is_routed_to_may_decide(pending_request, cast, who):
    for decide in CLOSE.values():
        with pytest.raises(RequestNotAllowed):
            decide(pending_request, cast[who])
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_an_operator_administrator_cannot_decide_for_another_operator(pending_request, db):
    other_admin = UserFactory()
    Membership.objects.create(user=other_admin, organisation=OperatorFactory(), is_admin=True)
    with pytest.raises(RequestNotAllowed):
        request_approve(request=pending_request, decided_by=other_admin)


def test_a_superuser_decides_anything(pending_request, superuser):
    assert request_approve(request=pending_request, decided_by=superuser).status == "approved"


def test_a_validator_without_staff_status_decides_nothing(pending_request, validator_inao):
    validator_inao.is_staff = False
    validator_inao.save()
    with pytest.raises(RequestNotAllowed):
        request_approve(request=pending_request, decided_by=validator_inao)


def test_the_decision_e_mail_is_in_the_applicants_e_mail_language(pending_request, validator_inao):
    applicant = pending_request.applicant
    applicant.email_language = "fr"
    applicant.save()
    mail.outbox.clear()
    request_approve(request=pending_request, decided_by=validator_inao)
    [email] = mail.outbox
    assert "a été approuvée" in email.subject
    assert "Bonjour Anne" in email.body


def test_an_e_mail_language_without_a_translation_falls_back_to_english(
    pending_request, validator_inao
):
    applicant = pending_request.applicant
    applicant.email_language = "fi"
    applicant.save()
    mail.outbox.clear()
    request_approve(request=pending_request, decided_by=validator_inao)
    assert "has been approved" in mail.outbox[0].subject


def test_an_applicant_who_does_not_want_decision_e_mails_gets_only_the_portal_notice(
    pending_request, validator_inao
):
    applicant = pending_request.applicant
    applicant.notify_decisions_by_email = False
    applicant.save()
    mail.outbox.clear()
    request_approve(request=pending_request, decided_by=validator_inao)
    assert mail.outbox == []
    assert applicant.notifications.filter(verb="request.approved").exists()
