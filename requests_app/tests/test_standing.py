"""AuthorisationRequest.objects.standing: membership and pending request in one statement."""

import datetime

import pytest

from entities.tests.factories import MembershipFactory, OperatorFactory
from requests_app.models import AuthorisationRequest
from requests_app.services import request_approve, request_submit

pytestmark = pytest.mark.django_db


def standing(user, organisation):
    return AuthorisationRequest.objects.standing(user=user, organisation=organisation)


def test_a_stranger_has_no_membership_and_no_request(applicant, operator):
    assert standing(applicant, operator) == (False, None)


def test_a_pending_request_comes_back_with_its_dates(applicant, operator):
    sent = request_submit(applicant=applicant, organisation=operator)
    is_member, pending = standing(applicant, operator)
    assert is_member is False
    assert pending.pk == sent.pk
    assert pending.submitted_at == sent.submitted_at
    assert isinstance(pending.submitted_at, datetime.datetime) and pending.submitted_at.tzinfo
    assert pending.due_date == sent.due_date and isinstance(pending.due_date, datetime.date)


def test_an_approved_applicant_is_a_member_with_nothing_pending(
    applicant, operator, validator_inao
):
    request_approve(
        request=request_submit(applicant=applicant, organisation=operator),
        decided_by=validator_inao,
    )
    assert standing(applicant, operator) == (True, None)


def test_only_this_persons_request_to_this_organisation_counts(applicant, outsider, operator):
    request_submit(applicant=outsider, organisation=operator)
    request_submit(applicant=applicant, organisation=OperatorFactory())
    MembershipFactory(user=applicant, organisation=OperatorFactory())
    assert standing(applicant, operator) == (False, None)
