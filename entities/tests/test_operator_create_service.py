import pytest
from django.core.exceptions import ValidationError

from entities.forms import OperatorForm
from entities.models import Kind, Organisation, Status
from entities.services import operator_create
from entities.tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_data(control_body):
    """What the create view keeps in the session: request.POST as a plain dict."""
    return {
        "name": "Les Vergers d'Émilie",
        "country": "FR",
        "city": "Avignon",
        "address": "1 route de Montfavet",
        "postcode": "84000",
        "phone": "04 90 00 00 00",
        "is_importer": "on",
        "is_first_consignee": "on",
        "eori": "FR 732 829 320",
        "control_body": str(control_body.pk),
    }


def test_it_writes_a_new_operator_from_the_rebound_form(session_data, applicant, control_body):
    form = OperatorForm(data=session_data)
    assert form.is_valid(), form.errors
    operator = operator_create(data=form.cleaned_data, created_by=applicant)
    operator.refresh_from_db()
    assert operator.kind == Kind.OPERATOR
    assert operator.status == Status.NEW
    assert operator.created_by == applicant
    assert operator.eori == "FR732829320"
    assert operator.phone.as_e164 == "+33490000000"
    assert operator.is_importer and operator.is_first_consignee
    assert operator.control_body == control_body
    assert operator.search_name == "les vergers d emilie"


def test_the_new_operator_is_found_by_the_directory_search(
    session_data, applicant, applicant_client
):
    form = OperatorForm(data=session_data)
    assert form.is_valid()
    operator_create(data=form.cleaned_data, created_by=applicant)
    response = applicant_client.get("/directory/operators/", {"name": "vergers d'emilie"})
    assert [o.name for o in response.context["page"].items] == ["Les Vergers d'Émilie"]


def test_it_refuses_an_eori_taken_meanwhile(session_data, applicant):
    form = OperatorForm(data=session_data)
    assert form.is_valid()
    OperatorFactory(eori="FR732829320")
    with pytest.raises(ValidationError):
        operator_create(data=form.cleaned_data, created_by=applicant)
    assert Organisation.objects.operators().count() == 1
