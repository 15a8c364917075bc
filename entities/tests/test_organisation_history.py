"""An organisation's history: written by the services, never edited (PostgreSQL refuses)."""

import pytest
from django.db import DatabaseError, transaction

from entities.models import OrganisationAction, OrganisationEvent
from entities.tests.factories import OperatorFactory
from requests_app.services import request_approve, request_submit

pytestmark = pytest.mark.django_db


def test_approving_a_colleague_is_in_the_organisations_history(applicant, operator, validator_inao):
    request = request_approve(
        request=request_submit(applicant=applicant, organisation=operator),
        decided_by=validator_inao,
    )
    event = OrganisationEvent.objects.get(
        organisation=operator, action=OrganisationAction.MEMBER_ADDED
    )
    assert (event.actor, event.subject) == (validator_inao, applicant)
    assert event.note == request.reference


@pytest.mark.postgres
def test_postgresql_refuses_to_edit_or_delete_a_row_but_lets_a_merge_move_it():
    first, second = OperatorFactory(), OperatorFactory()
    event = OrganisationEvent.objects.create(organisation=first, action=OrganisationAction.CHANGED)
    for change in (
        lambda: OrganisationEvent.objects.filter(pk=event.pk).update(note="forged"),
        lambda: OrganisationEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    OrganisationEvent.objects.filter(pk=event.pk).update(organisation=second)
    event.refresh_from_db()
    assert event.organisation == second and event.note == ""
