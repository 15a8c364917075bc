"""Create a new operator: the operator and its request are written together, when sent."""

import pytest
from django.urls import reverse

from entities.models import Membership, Organisation, Status
from entities.tests.factories import ControlBodyFactory
from requests_app.models import AuthorisationRequest, RequestKind

URL = reverse("requests:operator_request")


@pytest.fixture
def operator_data(db):
    return {
        "name": "Nouvelle Bio SARL",
        "country": "FR",
        "city": "Nantes",
        "address": "3 quai de la Fosse",
        "postcode": "44000",
        "phone": "",
        "email": "",
        "is_importer": "on",
        "eori": "FR100000017",
        "control_body": str(ControlBodyFactory().pk),
        "confirm_not_duplicate": "on",
    }


@pytest.fixture
def session_client(client, applicant, operator_data):
    client.force_login(applicant)
    session = client.session
    session["pending_operator"] = operator_data
    session.save()
    return client


def test_without_a_pending_operator_it_goes_back_to_the_form(client, applicant):
    client.force_login(applicant)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("requests:operator_create")


def test_an_invalid_pending_operator_goes_back_to_the_form(session_client, operator_data):
    session = session_client.session
    session["pending_operator"] = {**operator_data, "eori": "FR123"}
    session.save()
    assert session_client.get(URL)["Location"] == reverse("requests:operator_create")


def test_it_shows_the_operator_and_the_request_dialog_and_writes_nothing(session_client, inao):
    response = session_client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nouvelle Bio SARL" in content
    assert "FR100000017" in content
    assert "Send authorisation request" in content
    assert 'value="anne@example.eu"' in content
    assert "Who decides" in content and "INAO" in content  # before sending
    assert not Organisation.objects.operators().exists()


def test_sending_creates_the_operator_and_its_request_together(
    session_client, applicant, inao, validator_inao
):
    response = session_client.post(
        URL, {"message": "We import tea", "contact_email": applicant.email}, follow=True
    )
    content = response.content.decode()
    assert "Request to create the operator sent" in content
    assert "You asked to create Nouvelle Bio SARL and to become its administrator." in content
    operator = Organisation.objects.operators().get()
    assert (operator.status, operator.created_by) == (Status.NEW, applicant)
    request = AuthorisationRequest.objects.get()
    assert (request.kind, request.organisation, request.routed_to) == (
        RequestKind.NEW_OPERATOR,
        operator,
        inao,
    )
    assert "pending_operator" not in session_client.session
    assert not Membership.objects.exists()


def test_an_invalid_request_form_creates_nothing(session_client):
    response = session_client.post(URL, {"message": "x" * 1001, "contact_email": "nope"})
    assert response.status_code == 200
    assert not Organisation.objects.operators().exists()
    assert not AuthorisationRequest.objects.exists()


def test_get_is_not_enough_to_create(session_client):
    session_client.get(URL)
    assert not Organisation.objects.operators().exists()
