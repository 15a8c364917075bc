"""The validators' queue and request page in the Django admin."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from entities.models import Membership
from entities.tests.factories import OperatorFactory
from requests_app.models import AuthorisationRequest
from requests_app.services import request_submit

CHANGELIST = reverse("admin:requests_app_authorisationrequest_changelist")


def change_url(request):
    return reverse("admin:requests_app_authorisationrequest_change", args=[request.pk])


def approve_url(request):
    return reverse("admin:requests_app_authorisationrequest_approve", args=[request.pk])


def reject_url(request):
    return reverse("admin:requests_app_authorisationrequest_reject", args=[request.pk])


@pytest.fixture
def german_request(other_authority, db):
    operator = OperatorFactory(country="DE", name="Bio Handel Köln", eori="DE123456789012")
    return request_submit(applicant=UserFactory(), organisation=operator)


QUEUE = {
    "applicant": 302,  # to the admin's log-in page
    "colleague": 302,
    "outsider": 302,
    "operator_admin": 302,
    "validator_inao": 200,
    "validator_other": 200,
    "superuser": 200,
}


@pytest.mark.parametrize("who", list(QUEUE))
def test_the_queue_shows_each_validator_only_their_authoritys_requests(
    client, cast, pending_request, german_request, who
):
    client.force_login(cast[who])
    response = client.get(CHANGELIST)
    assert response.status_code == QUEUE[who]
    if response.status_code != 200:
        return
    content = response.content.decode()
    sees_french = "Bio Import Lyon" in content
    sees_german = "Bio Handel Köln" in content
    assert (sees_french, sees_german) == {
        "validator_inao": (True, False),
        "validator_other": (False, True),
        "superuser": (True, True),
    }[who]


@pytest.mark.parametrize("who", list(QUEUE))
def test_the_request_page_is_for_the_validators_it_is_routed_to(client, cast, pending_request, who):
    client.force_login(cast[who])
    response = client.get(change_url(pending_request))
    expected = {"validator_other": 404}.get(who, QUEUE[who])
    assert response.status_code == expected


def test_the_request_page_shows_what_the_validator_needs(
    client, validator_inao, pending_request, operator
):
    OperatorFactory(name="Bio Import Lyon SARL", country="FR")  # a likely duplicate
    client.force_login(validator_inao)
    content = client.get(change_url(pending_request)).content.decode()
    for text in [
        "Anne Applicant",
        "anne@example.eu",
        "I run the imports.",
        operator.eori,
        operator.control_body.name,
        operator.control_body.code,
        "Possible duplicates",
        "Bio Import Lyon SARL",
        "History",
        "Submitted",
        'value="Approve"',
        'value="Reject"',
        "Reason",
    ]:
        assert text in content, text


def test_the_queue_is_oldest_first_with_due_dates_and_overdue_flagged(
    client, validator_inao, applicant, inao, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False)
    old = request_submit(applicant=applicant, organisation=OperatorFactory(name="Old Bio"))
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False)
    request_submit(applicant=applicant, organisation=OperatorFactory(name="Fresh Bio"))

    client.force_login(validator_inao)
    content = client.get(CHANGELIST).content.decode()
    assert content.index("Old Bio") < content.index("Fresh Bio")
    assert "4 March 2026" in content  # the old one's due date

    overdue = client.get(CHANGELIST + "?overdue=yes").content.decode()
    assert "Old Bio" in overdue and "Fresh Bio" not in overdue
    on_time = client.get(CHANGELIST + "?overdue=no").content.decode()
    assert "Fresh Bio" in on_time and "Old Bio" not in on_time
    assert old.is_overdue


def test_the_queue_filters_and_searches(client, superuser, pending_request, german_request):
    client.force_login(superuser)
    by_country = client.get(CHANGELIST + "?country=DE").content.decode()
    assert "Bio Handel Köln" in by_country and "Bio Import Lyon" not in by_country
    by_eori = client.get(CHANGELIST + "?q=DE123456789012").content.decode()
    assert "Bio Handel Köln" in by_eori and "Bio Import Lyon" not in by_eori
    by_applicant = client.get(CHANGELIST + "?q=anne@example.eu").content.decode()
    assert "Bio Import Lyon" in by_applicant and "Bio Handel Köln" not in by_applicant
    by_status = client.get(CHANGELIST + "?status__exact=approved").content.decode()
    assert "Bio Import Lyon" not in by_status
    by_kind = client.get(CHANGELIST + "?kind__exact=attachment").content.decode()
    assert "Bio Import Lyon" in by_kind


def test_the_queue_runs_the_same_number_of_queries_for_3_or_30_requests(
    client, validator_inao, inao, django_assert_num_queries
):
    client.force_login(validator_inao)

    def add(n):
        for _ in range(n):
            request_submit(applicant=UserFactory(), organisation=OperatorFactory())

    add(3)
    client.get(CHANGELIST)  # warm up (session, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    add(27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(CHANGELIST)
    # A full page of the queue (25 rows) was listed with those same queries.
    assert len(response.context["cl"].result_list) == response.context["cl"].list_per_page == 25


def test_a_validator_approves_from_the_request_page(client, validator_inao, pending_request):
    client.force_login(validator_inao)
    response = client.post(approve_url(pending_request), follow=True)
    assert "The request has been approved." in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.status == "approved"
    assert Membership.objects.filter(user=pending_request.applicant).exists()


def test_a_rejection_needs_a_reason(client, validator_inao, pending_request):
    client.force_login(validator_inao)
    response = client.post(reject_url(pending_request), {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason: the applicant will read it" in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.is_pending

    client.post(reject_url(pending_request), {"reason": "Not an employee"})
    pending_request.refresh_from_db()
    assert (pending_request.status, pending_request.reason) == ("rejected", "Not an employee")


def test_deciding_twice_in_the_admin_tells_the_second_validator(
    client, validator_inao, superuser, pending_request
):
    client.force_login(superuser)
    client.post(approve_url(pending_request))
    client.force_login(validator_inao)
    response = client.post(reject_url(pending_request), {"reason": "Late"}, follow=True)
    assert "no longer pending: it has been approved" in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.status == "approved"


def test_a_validator_of_another_authority_cannot_decide(client, validator_other, pending_request):
    client.force_login(validator_other)
    assert client.post(approve_url(pending_request)).status_code == 404
    assert client.post(reject_url(pending_request), {"reason": "x"}).status_code == 404
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_get_on_admin_decisions_is_refused(client, validator_inao, pending_request):
    client.force_login(validator_inao)
    assert client.get(approve_url(pending_request)).status_code == 405
    assert client.get(reject_url(pending_request)).status_code == 405
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_bulk_approve_decides_only_what_is_pending_and_routed_to_the_validator(
    client, validator_inao, pending_request, german_request, applicant, inao
):
    second = request_submit(applicant=UserFactory(), organisation=OperatorFactory())
    client.force_login(validator_inao)
    response = client.post(
        CHANGELIST,
        {
            "action": "bulk_approve",
            "_selected_action": [pending_request.pk, second.pk, german_request.pk],
        },
        follow=True,
    )
    assert "2 request(s) approved." in response.content.decode()
    statuses = dict(AuthorisationRequest.objects.values_list("pk", "status"))
    assert statuses == {
        pending_request.pk: "approved",
        second.pk: "approved",
        german_request.pk: "pending",
    }


def test_validators_can_edit_nothing_else(client, validator_inao, pending_request):
    client.force_login(validator_inao)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Authorisation requests" in index
    # Operators, read-only: to merge duplicates and suspend (issue 15); memberships:
    # there the authority appoints an operator's administrator (issue 14).
    assert ">Operators<" in index and ">Memberships<" in index
    for hidden in ["Users", "Groups", "Validators", "Authorities"]:
        assert f">{hidden}<" not in index
    change = reverse("admin:entities_operator_change", args=[pending_request.organisation_id])
    assert client.post(change, {"name": "Renamed"}).status_code == 403
    assert client.get(reverse("admin:requests_app_validator_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code in (403, 404)
    delete = reverse("admin:requests_app_authorisationrequest_delete", args=[pending_request.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuthorisationRequest.objects.filter(pk=pending_request.pk).exists()


def test_the_authority_grants_and_withdraws_administrator_rights(
    client, validator_inao, validator_other, pending_request, colleague
):
    membership = Membership.objects.get(user=colleague)
    url = reverse("admin:requests_app_authorisationrequest_membership_admin", args=[membership.pk])
    client.force_login(validator_other)
    assert client.post(url, {"grant": "1"}).status_code == 404
    membership.refresh_from_db()
    assert not membership.is_admin

    client.force_login(validator_inao)
    client.post(url, {"grant": "1", "request": pending_request.pk})
    membership.refresh_from_db()
    assert membership.is_admin
    client.post(url, {"grant": "0"})
    membership.refresh_from_db()
    assert not membership.is_admin


def test_the_queue_opens_on_what_is_pending_and_shows_the_rest_on_demand(
    client, validator_inao, pending_request, inao
):
    decided = request_submit(applicant=UserFactory(), organisation=OperatorFactory(name="Old Done"))
    AuthorisationRequest.objects.filter(pk=decided.pk).update(
        status="approved", decided_at=decided.submitted_at
    )
    client.force_login(validator_inao)
    default = client.get(CHANGELIST).content.decode()
    assert "Bio Import Lyon" in default and "Old Done" not in default
    every = client.get(CHANGELIST + "?status__exact=all").content.decode()
    assert "Bio Import Lyon" in every and "Old Done" in every
    approved = client.get(CHANGELIST + "?status__exact=approved").content.decode()
    assert "Bio Import Lyon" not in approved and "Old Done" in approved


def test_the_country_filter_never_reads_the_requests_and_the_validator_is_read_once(
    client, validator_inao, superuser, pending_request, german_request
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(validator_inao)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as queries:
        content = client.get(CHANGELIST).content.decode()
    sql = [q["sql"] for q in queries]
    assert not [q for q in sql if "DISTINCT" in q.upper()]
    assert len([q for q in sql if 'FROM "requests_app_validator"' in q]) == 1
    assert "?country=" not in content  # one country only: nothing to choose

    client.force_login(superuser)
    content = client.get(CHANGELIST).content.decode()
    assert "?country=DE" in content and "?country=FR" in content


def test_the_count_stops_at_the_cap_and_says_more(client, validator_inao, inao, monkeypatch):
    from requests_app.admin import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    for _ in range(3):
        request_submit(applicant=UserFactory(), organisation=OperatorFactory())
    client.force_login(validator_inao)
    content = client.get(CHANGELIST).content.decode()
    assert "More than 2 authorisation requests" in content
    # The total is not known: no "Select all N" across pages.
    assert 'class="question' not in content and "Select all 2" not in content
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    content = client.get(CHANGELIST).content.decode()
    assert "3 authorisation requests" in content and "More than" not in content


@pytest.mark.parametrize("term", ["Garnier Import", "bio"])
def test_a_search_lists_the_same_rows_in_the_same_order_under_the_cap_and_over_it(
    client, validator_inao, inao, monkeypatch, term
):
    """Under the cap a searched page is read by the ids the count found (admin.py,
    CappedCountPaginator): the rows and their order are those of the search itself."""
    from requests_app.admin import AuthorisationRequestAdmin, CappedCountPaginator
    from requests_app.search import queue_search

    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    monkeypatch.setattr(AuthorisationRequestAdmin, "list_per_page", 2)
    # "Garnier Import": 4 requests, under the cap; "bio": 7, over it.
    for name in ["Garnier Import SA"] * 4 + ["Bio Ferme"] * 7 + ["Valette SARL"]:
        request_submit(applicant=UserFactory(), organisation=OperatorFactory(name=name))
    # Submission times out of id order, some of them equal: the id breaks the ties.
    base = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    for i, pk in enumerate(
        AuthorisationRequest.objects.order_by("pk").values_list("pk", flat=True)
    ):
        AuthorisationRequest.objects.filter(pk=pk).update(
            submitted_at=base - datetime.timedelta(hours=(i * 2) % 3)
        )
    expected = list(
        queue_search(AuthorisationRequest.objects.all(), term)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    client.force_login(validator_inao)
    listed, under_cap = [], len(expected) <= CappedCountPaginator.cap
    query_counts = set()
    for number in range(1, 4):
        url = f"{CHANGELIST}?q={term.replace(' ', '+')}&status__exact=all&p={number}"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            break
        cl = response.context["cl"]
        listed += [row.pk for row in cl.result_list]
        query_counts.add(len(queries.captured_queries))
        assert ('"id" IN (' in str(cl.result_list.query)) is under_cap
    assert len(expected) == (4 if term == "Garnier Import" else 7)
    assert listed == expected[: CappedCountPaginator.cap]
    assert len(query_counts) == 1  # no query more for reading a page by its ids


def test_the_queue_escapes_names_and_shows_times_in_the_validators_zone(
    client, validator_inao, applicant, inao, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False)
    request_submit(applicant=applicant, organisation=OperatorFactory(name="Old <b>Bio</b> & Co"))
    validator_inao.time_zone = "Asia/Tokyo"
    validator_inao.save()
    client.force_login(validator_inao)
    content = client.get(CHANGELIST).content.decode()
    assert "Old &lt;b&gt;Bio&lt;/b&gt; &amp; Co" in content
    assert "2 March 2026, 18:00 JST" in content  # 09:00 UTC is 18:00 in Tokyo
