"""Reads from the replica (core.router, core.middleware.ReplicaReadsMiddleware).

The "replica" alias is a TEST MIRROR of the test database: the same rows, its own
connection, so each test sees where the queries went. The read-your-writes test
makes the replica stale for real (a copy of the SQLite database taken before the
write), so a page read from it would miss the write.
"""

import sqlite3
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core import router

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

ORGANISATION_PAGE = "/directory/organisations/{pk}/"


@pytest.fixture
def replica_reads(settings):
    settings.DATABASE_ROUTERS = ["core.router.ReplicaRouter"]
    router.reset_health()
    yield
    router.reset_health()
    connections["replica"].close()


def queries(client, path):
    """The page, and how many queries each database answered for it."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(path)
    return response, len(primary), len(replica)


def test_the_directory_and_organisation_pages_read_from_the_replica(
    client, replica_reads, applicant, operator
):
    client.force_login(applicant)
    for path in ("/directory/operators/?name=bio", ORGANISATION_PAGE.format(pk=operator.pk)):
        response, _primary, replica = queries(client, path)
        assert response.status_code == 200
        assert replica > 0, path
    # Every other page, and every write, stays on the primary.
    response, primary, replica = queries(client, "/home/")
    assert response.status_code == 200
    assert primary > 0 and replica == 0


def test_without_the_router_nothing_reaches_the_replica(client, applicant, operator):
    client.force_login(applicant)
    response, primary, replica = queries(client, ORGANISATION_PAGE.format(pk=operator.pk))
    assert response.status_code == 200
    assert primary > 0 and replica == 0


def test_a_replica_lagging_past_the_bound_is_left_alone(
    client, replica_reads, settings, monkeypatch, applicant, operator
):
    monkeypatch.setattr(router, "replica_lag", lambda: settings.REPLICA_MAX_LAG_SECONDS + 5)
    client.force_login(applicant)
    response, primary, replica = queries(client, ORGANISATION_PAGE.format(pk=operator.pk))
    assert response.status_code == 200
    assert primary > 0 and replica == 0


def test_a_replica_that_is_down_is_left_alone(
    client, replica_reads, monkeypatch, applicant, operator
):
    broken = {"NAME": "/nonexistent/folder/replica.sqlite3", "HOST": "127.0.0.1", "PORT": "1"}
    connections["replica"].close()
    for key, value in broken.items():
        monkeypatch.setitem(connections["replica"].settings_dict, key, value)
    client.force_login(applicant)
    response = client.get(ORGANISATION_PAGE.format(pk=operator.pk))
    assert response.status_code == 200
    assert operator.name in response.content.decode()


def test_a_replica_failing_in_the_middle_of_a_page_gives_the_page_from_the_primary(
    client, replica_reads, monkeypatch, applicant, operator
):
    client.force_login(applicant)
    # The check said it was fit; then it went away.
    monkeypatch.setattr(router, "replica_fit", lambda: True)
    connections["replica"].close()
    broken = {"NAME": "/nonexistent/folder/replica.sqlite3", "HOST": "127.0.0.1", "PORT": "1"}
    for key, value in broken.items():
        monkeypatch.setitem(connections["replica"].settings_dict, key, value)
    response = client.get(ORGANISATION_PAGE.format(pk=operator.pk))
    assert response.status_code == 200
    assert operator.name in response.content.decode()


@pytest.fixture
def stale_replica(replica_reads, monkeypatch, tmp_path):
    """The replica as it is when replication lags: a copy of the database as of now."""
    primary = connections["default"]
    if primary.vendor != "sqlite":
        pytest.skip("the stale copy is a SQLite file; on PostgreSQL the replica is a mirror")
    copy = tmp_path / "replica.sqlite3"
    source = sqlite3.connect(primary.settings_dict["NAME"])
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    connections["replica"].close()
    monkeypatch.setitem(connections["replica"].settings_dict, "NAME", str(copy))
    return copy


def test_read_your_writes_the_author_sees_the_request_just_sent(
    client, settings, applicant, operator, stale_replica
):
    # Everything below was written after the replica's copy: a session, then a request.
    client.force_login(applicant)
    page = ORGANISATION_PAGE.format(pk=operator.pk)
    before, _primary, replica = queries(client, page)
    assert replica > 0
    assert "Request authorisation" in before.content.decode()

    sent = client.post(
        f"/requests/organisation/{operator.pk}/",
        {"message": "Please add me", "contact_email": applicant.email},
    )
    assert sent.status_code == 302

    # The replica has not got the request yet; the author's next page is the primary's.
    after, primary, replica = queries(client, page)
    assert replica == 0 and primary > 0
    assert "You asked to be authorised" in after.content.decode()

    # Once READ_YOUR_WRITES_SECONDS have gone by, the author reads the replica again
    # (a real one would have the request by then: its lag stays under the bound).
    later = timedelta(seconds=settings.READ_YOUR_WRITES_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        router.reset_health()
        stale, _primary, replica = queries(client, page)
    assert replica > 0
    assert "Request authorisation" in stale.content.decode()


def test_another_person_is_not_sent_to_the_primary_by_someone_elses_write(
    client, django_user_model, applicant, outsider, operator, stale_replica
):
    from django.test import Client

    client.force_login(applicant)
    client.post(
        f"/requests/organisation/{operator.pk}/",
        {"message": "Please add me", "contact_email": applicant.email},
    )
    other = Client()
    other.force_login(outsider)
    _response, _primary, replica = queries(other, ORGANISATION_PAGE.format(pk=operator.pk))
    assert replica > 0


def test_any_successful_write_sets_the_cookie_a_refused_one_does_not(
    client, replica_reads, applicant, operator
):
    from core.middleware import read_your_writes_cookie

    client.force_login(applicant)
    refused = client.post("/requests/organisation/999999/", {"message": "x"})
    assert refused.status_code == 404
    assert read_your_writes_cookie() not in refused.cookies
    sent = client.post(
        f"/requests/organisation/{operator.pk}/", {"message": "x", "contact_email": applicant.email}
    )
    assert sent.status_code == 302
    assert read_your_writes_cookie() in sent.cookies
