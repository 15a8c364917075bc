"""Two validators click at once: exactly one decision wins, the other is told."""

import threading

import pytest
from django.db import connection, connections

from requests_app.models import AuthorisationRequest, RequestEvent
from requests_app.services import RequestNotPending, request_approve, request_reject


def test_a_second_decision_on_the_same_database_state_is_refused(pending_request, superuser):
    # Both validators loaded the page while the request was pending.
    stale = AuthorisationRequest.objects.get(pk=pending_request.pk)
    request_approve(request=pending_request, decided_by=superuser)
    with pytest.raises(RequestNotPending, match="has been approved"):
        request_reject(request=stale, decided_by=superuser, reason="Too late")
    assert RequestEvent.objects.filter(request=pending_request, action="approved").count() == 1
    assert not RequestEvent.objects.filter(request=pending_request, action="rejected").exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_validators_deciding_at_once_on_two_connections_make_one_decision(
    pending_request, validator_inao, superuser
):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action):
        try:
            stale = AuthorisationRequest.objects.get(pk=pending_request.pk)
            barrier.wait(timeout=10)
            if action == "approve":
                request_approve(request=stale, decided_by=validator_inao)
            else:
                request_reject(request=stale, decided_by=superuser, reason="Duplicate")
            outcomes.append(action)
        except RequestNotPending:
            outcomes.append("refused")
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=decide, args=(a,)) for a in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) in (["approve", "refused"], ["refused", "reject"])
    pending_request.refresh_from_db()
    winner = next(o for o in outcomes if o != "refused")
    assert pending_request.status == {"approve": "approved", "reject": "rejected"}[winner]
    decisions = RequestEvent.objects.filter(request=pending_request).exclude(action="submitted")
    assert decisions.count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_or_delete_the_history(pending_request):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        RequestEvent.objects.filter(request=pending_request).update(note="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        RequestEvent.objects.filter(request=pending_request).delete()
    assert RequestEvent.objects.filter(request=pending_request, note="").count() == 1
