import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import Notification
from entities.models import Status
from entities.tests.factories import AuthorityFactory, OperatorFactory
from requests_app.models import (
    AuthorisationRequest,
    RequestEvent,
    RequestKind,
    RequestStatus,
)
from requests_app.services import RequestError, request_submit


def test_a_request_is_pending_routed_to_the_countrys_authority_and_recorded(
    applicant, operator, inao
):
    request = request_submit(applicant=applicant, organisation=operator, message=" Hello ")

    assert request.status == RequestStatus.PENDING
    assert request.kind == RequestKind.ATTACHMENT
    assert request.routed_to == inao
    assert request.message == "Hello"
    assert request.contact_email == applicant.email
    assert not request.to_operator_admins
    event = RequestEvent.objects.get(request=request)
    assert (event.actor, event.action, event.to_status) == (applicant, "submitted", "pending")


def test_it_goes_to_the_site_administrators_when_the_country_has_no_authority(applicant, db):
    belgian = OperatorFactory(country="BE", eori="BE0123456789")
    request = request_submit(applicant=applicant, organisation=belgian)
    assert request.routed_to is None
    assert "site administrators" in request.decider_label


def test_it_goes_to_the_operators_administrators_first_once_it_has_one(pending_request):
    assert pending_request.to_operator_admins
    assert "administrators of Bio Import Lyon" in pending_request.decider_label
    assert "INAO" in pending_request.decider_label


def test_it_does_not_use_a_border_control_post_or_another_countrys_authority(
    applicant, db, other_authority
):
    AuthorityFactory(country="FR", authority_kind="bcp", short_name="PCF Roissy")
    operator = OperatorFactory(country="FR")
    assert request_submit(applicant=applicant, organisation=operator).routed_to is None


def test_it_refuses_a_second_pending_request(pending_request, applicant, operator):
    with pytest.raises(RequestError, match="already have a pending request"):
        request_submit(applicant=applicant, organisation=operator)
    assert AuthorisationRequest.objects.count() == 1


def test_the_database_itself_refuses_two_pending_requests(pending_request):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorisationRequest.objects.create(
            applicant=pending_request.applicant,
            organisation=pending_request.organisation,
            kind=RequestKind.ATTACHMENT,
            due_date=pending_request.due_date,
        )


def test_the_database_refuses_a_rejection_without_a_reason(pending_request):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorisationRequest.objects.filter(pk=pending_request.pk).update(
            status=RequestStatus.REJECTED, decided_at=pending_request.submitted_at
        )


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SUSPENDED])
def test_it_refuses_a_request_for_a_rejected_or_suspended_organisation(applicant, db, status):
    operator = OperatorFactory(status=status)
    with pytest.raises(RequestError, match="does not accept requests"):
        request_submit(applicant=applicant, organisation=operator)
    assert not AuthorisationRequest.objects.exists()


def test_it_refuses_a_member(colleague, operator):
    with pytest.raises(RequestError, match="already a member"):
        request_submit(applicant=colleague, organisation=operator)


def test_a_new_request_is_allowed_once_the_previous_one_is_closed(pending_request, applicant):
    from requests_app.services import request_withdraw

    request_withdraw(request=pending_request, by=applicant)
    again = request_submit(applicant=applicant, organisation=pending_request.organisation)
    assert again.is_pending


def test_the_applicant_gets_a_receipt_and_the_deciders_are_told(
    applicant, operator, operator_admin, validator_inao
):
    request = request_submit(applicant=applicant, organisation=operator)

    receipts = [m for m in mail.outbox if m.to == [applicant.email]]
    assert len(receipts) == 1
    assert "has been received" in receipts[0].subject
    assert "Bio Import Lyon" in receipts[0].body
    assert receipts[0].alternatives  # an HTML part too
    # The operator has an administrator: she is told, with a link to the portal page.
    to_admin = [m for m in mail.outbox if m.to == [operator_admin.email]]
    assert len(to_admin) == 1
    assert f"/requests/{request.pk}/" in to_admin[0].body
    assert Notification.objects.filter(user=applicant, verb="request.receipt").count() == 1
    assert Notification.objects.filter(user=operator_admin, verb="request.new").exists()


def test_validators_of_the_authority_are_told_of_requests_routed_to_it(
    applicant, db, inao, validator_inao, validator_other
):
    operator = OperatorFactory(country="FR")  # no administrator yet
    request = request_submit(applicant=applicant, organisation=operator)

    to_validator = [m for m in mail.outbox if m.to == [validator_inao.email]]
    assert len(to_validator) == 1
    assert f"/admin/requests_app/authorisationrequest/{request.pk}/" in to_validator[0].body
    assert not [m for m in mail.outbox if m.to == [validator_other.email]]


def test_deciders_who_do_not_want_new_request_emails_only_get_the_portal_notice(
    applicant, db, inao, validator_inao
):
    validator_inao.notify_new_requests_by_email = False
    validator_inao.save()
    request_submit(applicant=applicant, organisation=OperatorFactory(country="FR"))
    assert not [m for m in mail.outbox if m.to == [validator_inao.email]]
    assert Notification.objects.filter(user=validator_inao).count() == 1
