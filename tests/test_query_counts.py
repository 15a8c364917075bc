"""Every page runs a fixed number of queries, however much it lists (issue 6).

Each test counts a page's queries with a little data, adds more of what the
page lists (requests in every state with their histories, memberships,
notifications, colleagues, members), and asserts the count has not moved.
The directory's and the queue's own tests do the same for their result lists
(entities/tests/test_directory.py, requests_app/tests/test_admin_queue.py).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from entities.tests.factories import MembershipFactory, OperatorFactory
from requests_app.models import AuthorisationRequest
from requests_app.services import (
    request_approve,
    request_ask_correction,
    request_escalate,
    request_reject,
    request_submit,
    request_withdraw,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_flood_limit(monkeypatch):
    """These tests send more requests in a minute than a person may in an hour."""
    monkeypatch.setattr("requests_app.services.MAX_SUBMISSIONS_PER_HOUR", 1000)
    monkeypatch.setattr("requests_app.services.MAX_PENDING_PER_PERSON", 1000)


def queries(client, url) -> int:
    client.get(url)  # the first visit may set up the session's own stamps
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def requests_in_every_state(applicant, decider, count):
    """`count` requests of each state for `applicant`, decided by `decider`."""
    for _ in range(count):
        request_submit(applicant=applicant, organisation=OperatorFactory())
        approved = request_submit(applicant=applicant, organisation=OperatorFactory())
        request_approve(request=approved, decided_by=decider)
        rejected = request_submit(applicant=applicant, organisation=OperatorFactory())
        request_reject(request=rejected, decided_by=decider, reason="No contract")
        withdrawn = request_submit(applicant=applicant, organisation=OperatorFactory())
        request_withdraw(request=withdrawn, by=applicant)
        in_correction = request_submit(applicant=applicant, organisation=OperatorFactory())
        request_ask_correction(request=in_correction, decided_by=decider, reason="Your role?")
        # Sent to an operator's administrator, overdue, escalated to the authority.
        administered = OperatorFactory()
        MembershipFactory(organisation=administered, is_admin=True)
        escalated = request_submit(applicant=applicant, organisation=administered)
        request_escalate(request=escalated)


@pytest.mark.parametrize("page", ["home", "accounts:profile", "accounts:notifications"])
def test_the_applicants_pages_do_not_grow_with_their_requests(
    client, applicant, validator_inao, page
):
    client.force_login(applicant)
    url = reverse(page)
    requests_in_every_state(applicant, validator_inao, 1)
    few = queries(client, url)
    requests_in_every_state(applicant, validator_inao, 5)
    assert queries(client, url) == few


@pytest.mark.parametrize("page", ["home", "accounts:profile"])
def test_an_administrators_pages_do_not_grow_with_colleagues_requests(
    client, operator_admin, operator, page
):
    client.force_login(operator_admin)
    url = reverse(page)
    request_submit(applicant=UserFactory(), organisation=operator)
    few = queries(client, url)
    for _ in range(6):
        request_submit(applicant=UserFactory(), organisation=operator)
        MembershipFactory(user=operator_admin, organisation=OperatorFactory(), is_admin=True)
    assert queries(client, url) == few


@pytest.mark.parametrize("url", ["/profile/", "/accounts/sessions/"])
def test_the_list_of_sessions_does_not_grow_with_them(applicant, url):
    """Two queries for the sessions, however many (allauth's own check costs three each)."""
    from accounts.tests.test_sessions import FIREFOX, PHONE, logged_in

    laptop = logged_in(applicant, FIREFOX)
    few = queries(laptop, url)
    for _ in range(4):
        logged_in(applicant, PHONE)
    assert laptop.get(url).content.decode().count('<tr class="session">') == 5
    assert queries(laptop, url) == few


def test_the_colleagues_list_does_not_grow_with_their_requests(client, operator_admin, operator):
    client.force_login(operator_admin)
    url = reverse("requests:to_decide")
    request_submit(applicant=UserFactory(), organisation=operator)
    few = queries(client, url)
    for _ in range(6):
        request_submit(applicant=UserFactory(), organisation=operator)
    assert queries(client, url) == few


@pytest.mark.parametrize("state", ["open", "pending", "member"])
def test_the_organisation_page_does_not_grow_with_its_members_and_requests(
    client, applicant, operator, state
):
    if state == "pending":
        request_submit(applicant=applicant, organisation=operator)
    if state == "member":
        MembershipFactory(user=applicant, organisation=operator)
    client.force_login(applicant)
    url = reverse("entities:organisation", args=[operator.pk])
    few = queries(client, url)
    for _ in range(6):
        MembershipFactory(organisation=operator)
        request_submit(applicant=UserFactory(), organisation=operator)
    assert queries(client, url) == few


def test_a_request_page_does_not_grow_with_its_history(client, applicant, validator_inao):
    client.force_login(applicant)
    request = request_submit(applicant=applicant, organisation=OperatorFactory())
    url = reverse("requests:detail", args=[request.pk])
    few = queries(client, url)
    request_approve(request=request, decided_by=validator_inao)
    for _ in range(6):
        MembershipFactory(organisation=request.organisation)
    assert queries(client, url) == few


def test_the_admin_request_page_does_not_grow_with_members_or_history(
    client, validator_inao, pending_request, operator
):
    client.force_login(validator_inao)
    url = reverse("admin:requests_app_authorisationrequest_change", args=[pending_request.pk])
    few = queries(client, url)
    for _ in range(6):
        MembershipFactory(organisation=operator)
        OperatorFactory(name=operator.name, country=operator.country)  # look-alikes
    assert queries(client, url) == few
    assert AuthorisationRequest.objects.count() == 1
