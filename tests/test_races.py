"""Races (issue 7 §5): two people acting on one pending request at the same moment.

Each contender runs in its own thread, on its own database connection, and all
start together behind a barrier, on SQLite (IMMEDIATE transactions) and on
PostgreSQL (row locks) alike: exactly one outcome is kept, the other contender
is told the request is no longer pending, and nothing fails with a 500-style
error.
"""

import threading

import pytest
from django.db import connections

from requests_app.models import AuthorisationRequest, RequestEvent
from requests_app.services import (
    RequestNotPending,
    request_approve,
    request_reject,
    request_withdraw,
)

pytestmark = pytest.mark.django_db(transaction=True)


def race(*contenders):
    """Run the callables at once; return what each did: its name or 'refused'."""
    barrier = threading.Barrier(len(contenders))
    outcomes, errors = [], []

    def run(name, act):
        try:
            barrier.wait(timeout=10)
            act()
            outcomes.append(name)
        except RequestNotPending:
            outcomes.append("refused")
        except Exception as error:  # anything else is the failure under test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=contender) for contender in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sorted(outcomes)


def stale(pending_request):
    """The request as each person's page loaded it, while it was pending."""
    return AuthorisationRequest.objects.get(pk=pending_request.pk)


@pytest.mark.parametrize("attempt", range(3))
def test_two_validators_approving_at_once_approve_once(
    pending_request, validator_inao, superuser, attempt
):
    first, second = stale(pending_request), stale(pending_request)
    outcomes = race(
        ("approved", lambda: request_approve(request=first, decided_by=validator_inao)),
        ("approved", lambda: request_approve(request=second, decided_by=superuser)),
    )
    assert outcomes == ["approved", "refused"]
    assert RequestEvent.objects.filter(request=pending_request, action="approved").count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_an_approval_racing_a_withdrawal_keeps_exactly_one_of_them(
    pending_request, validator_inao, applicant, attempt
):
    by_validator, by_applicant = stale(pending_request), stale(pending_request)
    outcomes = race(
        ("approved", lambda: request_approve(request=by_validator, decided_by=validator_inao)),
        ("withdrawn", lambda: request_withdraw(request=by_applicant, by=applicant)),
    )
    assert outcomes in (["approved", "refused"], ["refused", "withdrawn"])
    pending_request.refresh_from_db()
    winner = next(outcome for outcome in outcomes if outcome != "refused")
    assert pending_request.status == winner
    closing = RequestEvent.objects.filter(request=pending_request).exclude(action="submitted")
    assert list(closing.values_list("action", flat=True)) == [winner]
    membership_kept = pending_request.applicant.memberships.filter(
        organisation=pending_request.organisation
    ).exists()
    assert membership_kept == (winner == "approved")


def test_a_rejection_racing_an_approval_leaves_one_decision(
    pending_request, validator_inao, superuser
):
    first, second = stale(pending_request), stale(pending_request)
    outcomes = race(
        ("approved", lambda: request_approve(request=first, decided_by=validator_inao)),
        ("rejected", lambda: request_reject(request=second, decided_by=superuser, reason="No")),
    )
    assert outcomes in (["approved", "refused"], ["refused", "rejected"])


@pytest.mark.postgres
def test_sixteen_submissions_at_once_stay_within_the_cap_on_pending_requests(applicant, inao):
    """Issue 13, item 11: 16 posts sent together made 16 pending requests against a cap
    of 10 (each counted 9 before any had written). The person's row is locked before
    counting, so they count one after the other: at most 10 are kept, the rest refused."""
    from django.test import Client
    from django.urls import reverse

    from entities.tests.factories import OperatorFactory
    from requests_app.services import MAX_PENDING_PER_PERSON

    operators = [OperatorFactory(country="FR") for _ in range(16)]
    barrier = threading.Barrier(len(operators))
    statuses, errors = [], []

    def post(operator):
        try:
            client = Client()
            client.force_login(applicant)
            url = reverse("requests:request_create", args=[operator.pk])
            barrier.wait(timeout=10)
            statuses.append(client.post(url, {"contact_email": applicant.email}).status_code)
        except Exception as error:  # a 500 is the failure under test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(operator,)) for operator in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(statuses) == 16 and set(statuses) <= {302}  # sent, or refused with a message
    pending = AuthorisationRequest.objects.filter(applicant=applicant, status="pending").count()
    assert pending == MAX_PENDING_PER_PERSON
