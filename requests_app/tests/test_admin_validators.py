"""Issue 13, item 10: the validators' landing page, breadcrumbs, search and request page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from entities.tests.factories import OperatorFactory
from requests_app.models import QUEUE_STATUSES, AuthorisationRequest, RequestStatus
from requests_app.selectors import OVERDUE, queue_counts, queue_of
from requests_app.services import request_submit

INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:requests_app_authorisationrequest_changelist")


def change_url(request):
    return reverse("admin:requests_app_authorisationrequest_change", args=[request.pk])


@pytest.fixture
def queue(inao, other_authority, time_machine):
    """INAO: three pending (two sent early, now overdue), one approved; Germany: one pending."""
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False)
    old = [
        request_submit(applicant=UserFactory(), organisation=OperatorFactory(name=f"Old Bio {n}"))
        for n in range(2)
    ]
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False)
    fresh = request_submit(applicant=UserFactory(), organisation=OperatorFactory(name="Fresh Bio"))
    done = request_submit(applicant=UserFactory(), organisation=OperatorFactory(name="Done Bio"))
    AuthorisationRequest.objects.filter(pk=done.pk).update(
        status=RequestStatus.APPROVED, decided_at=done.submitted_at
    )
    request_submit(
        applicant=UserFactory(), organisation=OperatorFactory(name="Köln Bio", country="DE")
    )
    return {"old": old, "fresh": fresh, "done": done}


def in_french(client, user):
    """After log-in the portal speaks the person's own language."""
    user.interface_language = "fr"
    user.save()
    client.force_login(user)


def rows_of(html: str) -> dict[str, str]:
    """The queue summary's lines on the admin index: {"Pending": "3", "Overdue": "2"}."""
    summary = re.search(r'<div class="module" id="queue-summary">(.*?)</div>', html, re.S)
    assert summary, "no queue on the admin index"
    return dict(
        re.findall(
            r'<th scope="row"><a href="[^"]*">([^<]+)</a></th><td[^>]*>(\d+)</td>', summary.group(1)
        )
    )


# --- the counts --------------------------------------------------------------------


def test_the_counts_are_one_query_with_a_count_per_queue_status_and_the_overdue(
    queue, inao, django_assert_num_queries
):
    with django_assert_num_queries(1):
        counts = queue_counts(AuthorisationRequest.objects.filter(routed_to=inao))
    assert counts == {"pending": 3, "correction": 0, OVERDUE: 2}
    # One key per waiting status: a new one ("correction requested") is counted by adding it.
    assert set(counts) == {str(status) for status in QUEUE_STATUSES} | {OVERDUE}


def test_a_person_who_is_not_staff_costs_no_query(applicant, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert queue_of(applicant) is None


def test_an_index_holds_every_column_the_counts_read():
    """WHERE routed_to = ? AND status IN (...), counting status and due_date < today:
    one index holds them all, so the count needs no table row (request_queue_due)."""
    indexes = {index.name: index.fields for index in AuthorisationRequest._meta.indexes}
    assert indexes["request_queue_due"] == ["routed_to", "status", "due_date"]


# --- the admin index -----------------------------------------------------------------


def test_the_admin_index_shows_the_validators_queue_with_pending_and_overdue(
    client, queue, validator_inao
):
    client.force_login(validator_inao)
    html = client.get(INDEX).content.decode()
    assert "Requests to decide: INAO" in html
    assert rows_of(html) == {"Pending": "3", "Overdue": "2", "Correction requested": "0"}
    assert f'href="{CHANGELIST}?status__exact=pending&amp;overdue=yes"' in html
    assert f'href="{CHANGELIST}?status__exact=pending"' in html


def test_each_validator_counts_their_own_authoritys_queue(client, queue, validator_other):
    client.force_login(validator_other)
    assert rows_of(client.get(INDEX).content.decode()) == {
        "Pending": "1",
        "Overdue": "0",
        "Correction requested": "0",
    }


def test_a_site_administrator_counts_every_request(client, queue, superuser):
    client.force_login(superuser)
    html = client.get(INDEX).content.decode()
    assert "Requests to decide: every authority" in html
    assert rows_of(html) == {"Pending": "4", "Overdue": "2", "Correction requested": "0"}


def test_the_admin_index_in_french(client, queue, validator_inao):
    in_french(client, validator_inao)
    html = client.get(INDEX).content.decode()
    assert "Demandes à décider\u00a0: INAO" in html
    assert rows_of(html) == {"En attente": "3", "En retard": "2", "Correction demandée": "0"}


def test_the_admin_index_counts_with_two_queries_more_than_without_a_queue(
    client, queue, validator_inao
):
    client.force_login(validator_inao)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as queries:
        client.get(INDEX)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts


# --- the breadcrumbs --------------------------------------------------------------------


def breadcrumbs(html: str) -> list[str]:
    crumbs = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", crumbs, re.S)
    ]


def test_the_breadcrumbs_name_the_queue_once(client, queue, validator_inao):
    client.force_login(validator_inao)
    assert breadcrumbs(client.get(CHANGELIST).content.decode()) == [
        "Home",
        "Authorisation requests",
    ]
    assert breadcrumbs(client.get(change_url(queue["fresh"])).content.decode()) == [
        "Home",
        "Authorisation requests",
        "Fresh Bio",
    ]


# --- the search and its status ------------------------------------------------------------


def test_a_search_shows_its_status_and_says_what_other_statuses_hold(client, queue, validator_inao):
    client.force_login(validator_inao)
    html = client.get(CHANGELIST, {"q": "Bio"}).content.decode()
    # The status searched is shown beside the box, and can be changed there.
    assert re.search(
        r'<select name="status__exact" id="queue-status">.*?'
        r'<option value="pending" selected>Pending</option>',
        html,
        re.S,
    )
    assert "Fresh Bio" in html and "Done Bio" not in html
    assert "1 more matches in another status:" in html
    assert 'href="?q=Bio&amp;status__exact=all">show all</a>' in html
    every = client.get(CHANGELIST, {"q": "Bio", "status__exact": "all"}).content.decode()
    assert "Done Bio" in every and "more match" not in every


def test_the_note_counts_with_the_other_filters_and_only_when_something_is_hidden(
    client, queue, validator_inao
):
    client.force_login(validator_inao)
    # The approved one is not overdue: nothing is hidden from "overdue" by the status.
    overdue = client.get(CHANGELIST, {"q": "Bio", "overdue": "no"}).content.decode()
    assert "1 more matches in another status" in overdue
    fresh = client.get(CHANGELIST, {"q": "Fresh"}).content.decode()
    assert "more match" not in fresh
    done = client.get(CHANGELIST, {"q": "Done"}).content.decode()
    assert "0 authorisation requests" in done and "1 more matches in another status" in done
    approved = client.get(CHANGELIST, {"q": "Bio", "status__exact": "approved"}).content.decode()
    assert "3 more match in other statuses" in approved


def test_the_queue_without_a_search_counts_nothing_more(client, queue, validator_inao):
    client.force_login(validator_inao)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as plain:
        client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as searched:
        client.get(CHANGELIST, {"q": "Bio"})
    assert len(searched.captured_queries) <= len(plain.captured_queries) + 1


def test_the_note_in_french_has_its_no_break_space(client, queue, validator_inao):
    in_french(client, validator_inao)
    html = client.get(CHANGELIST, {"q": "Done"}).content.decode()
    assert "1 autre résultat dans un autre statut\u00a0:" in html
    assert ">tout afficher</a>" in html


# --- the portal offers the queue ----------------------------------------------------------


@pytest.mark.parametrize("url", [reverse("home"), reverse("requests:role_choice")])
def test_a_validator_who_opens_the_portal_is_offered_the_queue(client, queue, validator_inao, url):
    client.force_login(validator_inao)
    html = client.get(url).content.decode()
    assert "Requests to decide" in html
    assert f'href="{CHANGELIST}">Open the queue</a>' in html
    assert "Choose your role" not in html
    assert re.search(r"<dt>Pending</dt><dd><a [^>]*>3</a></dd>", html)
    assert re.search(r"<dt>Overdue</dt><dd><a [^>]*>2</a></dd>", html)


@pytest.mark.parametrize("url", [reverse("home"), reverse("requests:role_choice")])
def test_an_applicant_still_chooses_a_role(client, applicant, url):
    client.force_login(applicant)
    html = client.get(url).content.decode()
    assert "Choose your role" in html and "Open the queue" not in html


@pytest.mark.parametrize("who", ["applicant", "colleague", "outsider", "operator_admin"])
def test_nobody_but_deciders_is_offered_a_queue(client, cast, pending_request, who):
    client.force_login(cast[who])
    assert "Open the queue" not in client.get(reverse("home")).content.decode()


# --- the request page, in the admin's own styles ---------------------------------------------


def test_the_request_page_is_laid_out_with_the_admins_styles(
    client, validator_inao, pending_request
):
    client.force_login(validator_inao)
    html = client.get(change_url(pending_request)).content.decode()
    assert "admin/css/forms.css" in html
    assert html.count('<fieldset class="module aligned"') == 3  # request, organisation, decision
    assert (
        '<div class="flex-container"><label>Status:</label><div class="readonly">Pending</div>'
        in html
    )
    assert '<div class="readonly">I run the imports.</div>' in html
    assert "<strong>Status:</strong>" not in html


def test_approve_and_reject_look_different(client, validator_inao, pending_request):
    client.force_login(validator_inao)
    html = client.get(change_url(pending_request)).content.decode()
    assert '<input type="submit" class="default" value="Approve">' in html
    assert '<input type="submit" class="button-reject" value="Reject">' in html
    assert "requests_app/admin.css" in html


def test_the_request_page_in_french_puts_a_no_break_space_before_its_colons(
    client, validator_inao, pending_request
):
    in_french(client, validator_inao)
    html = client.get(change_url(pending_request)).content.decode()
    assert "<label>Statut\u00a0:</label>" in html
