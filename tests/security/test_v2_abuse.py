"""ASVS 5.0 V2.4 Anti-automation (issue 7 §4): nobody floods a validator's queue.

Both rules live in requests_app/services.py (_check_not_flooding), counted
from the requests themselves.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from entities.tests.factories import OperatorFactory
from requests_app.models import AuthorisationRequest, RequestStatus

pytestmark = pytest.mark.django_db

# A person may reasonably wait on a handful of organisations at once; 10 is generous.
PENDING_BOUND = 10


def test_v2_4_1_a_person_cannot_have_more_than_a_bounded_number_of_pending_requests(
    client, applicant, inao
):
    client.force_login(applicant)
    organisations = OperatorFactory.create_batch(PENDING_BOUND * 2, country="FR")
    for organisation in organisations:
        client.post(
            f"/requests/organisation/{organisation.pk}/",
            {"message": "Let me in.", "contact_email": "anne@example.eu"},
        )
    pending = AuthorisationRequest.objects.filter(
        applicant=applicant, status=RequestStatus.PENDING
    ).count()
    assert pending <= PENDING_BOUND


def test_v2_4_1_request_submission_is_rate_limited(client, applicant, inao):
    client.force_login(applicant)
    organisations = OperatorFactory.create_batch(40, country="FR")
    statuses = []
    for organisation in organisations:
        response = client.post(
            f"/requests/organisation/{organisation.pk}/",
            {"message": "Hi", "contact_email": "anne@example.eu"},
        )
        statuses.append(response.status_code)
        # Withdraw at once, so that only the rate of submission is at stake.
        AuthorisationRequest.objects.filter(
            applicant=applicant, status=RequestStatus.PENDING
        ).update(status=RequestStatus.WITHDRAWN, decided_at=timezone.now())
    assert 429 in statuses
