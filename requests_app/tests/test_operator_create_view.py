import pytest
from django.urls import reverse

from entities.models import Organisation
from entities.tests.factories import OperatorFactory, valid_fr_eori

pytestmark = pytest.mark.django_db
CREATE = reverse("requests:operator_create")


def test_create_a_new_operator_is_offered_only_after_a_search(applicant_client):
    operators = reverse("entities:operators")
    assert "Create a new operator" not in applicant_client.get(operators).content.decode()
    html = applicant_client.get(
        operators, {"name": "Nowhere Bio", "country": "FR"}
    ).content.decode()
    assert "Create a new operator" in html
    assert reverse("requests:operator_create") + "?name=Nowhere+Bio&amp;country=FR" in html


@pytest.fixture
def searched_client(applicant_client):
    applicant_client.get(reverse("entities:operators"), {"name": "Nouvelle Ferme"})
    return applicant_client


@pytest.fixture
def data(control_body):
    return {
        "name": "Nouvelle Ferme Import",
        "country": "FR",
        "city": "Lyon",
        "address": "3 quai Saint-Antoine",
        "postcode": "69002",
        "phone": "04 72 00 00 00",
        "email": "contact@nouvelle-ferme.example",
        "is_importer": "on",
        "eori": "fr 732 829 320",
        "control_body": str(control_body.pk),
    }


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_without_a_search_first_it_sends_the_person_to_the_directory(applicant_client):
    response = applicant_client.get(CREATE, follow=True)
    assert response.redirect_chain[-1][0] == reverse("entities:operators")
    assert "Search the directory first" in response.content.decode()


def test_the_form_has_the_contract_labels_and_the_activity_warning(searched_client, control_body):
    html = searched_client.get(CREATE, {"name": "Nouvelle Ferme", "country": "FR"}).content.decode()
    labels = ["Name", "Country", "City", "Address", "Postcode", "Phone number", "EORI number"]
    labels += ["Organic importer", "Organic operator (first consignee)", "Control body"]
    for label in labels:
        assert f">{label}</label>" in html, label
    assert ">Create a new operator</button>" in html
    assert "The activity is essential for validation" in html
    assert 'value="Nouvelle Ferme"' in html
    assert "FR-BIO-01 – Ecocert France" in html


def test_a_valid_form_is_kept_in_the_session_and_leads_to_the_request_dialog(searched_client, data):
    response = searched_client.post(CREATE, data)
    assert response.status_code == 302
    assert response.url == reverse("requests:operator_request")
    pending = searched_client.session["pending_operator"]
    assert pending["name"] == "Nouvelle Ferme Import"
    assert "csrfmiddlewaretoken" not in pending
    assert not Organisation.objects.operators().exists()


def test_the_same_eori_is_refused_with_a_link_to_the_existing_operator(searched_client, data):
    existing = OperatorFactory(name="Déjà Là", eori="FR732829320")
    response = searched_client.post(CREATE, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "already in the directory" in html
    assert reverse("entities:organisation", args=[existing.pk]) in html
    assert "pending_operator" not in searched_client.session
    assert Organisation.objects.operators().count() == 1


def test_a_rejected_operator_does_not_hold_its_eori(searched_client, data):
    OperatorFactory(name="Old", eori="FR732829320", status="rejected")
    assert searched_client.post(CREATE, data).status_code == 302


def test_similar_names_in_the_same_country_must_be_confirmed(searched_client, data):
    similar = OperatorFactory(name="Nouvelle Ferme Imports", country="FR", eori=valid_fr_eori(7))
    OperatorFactory(name="Nouvelle Ferme Import", country="DE", eori="DE99")
    response = searched_client.post(CREATE, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Is it one of these?" in html
    assert reverse("entities:organisation", args=[similar.pk]) in html
    assert list(response.context["form"].similar) == [similar]
    assert "pending_operator" not in searched_client.session

    response = searched_client.post(CREATE, {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert searched_client.session["pending_operator"]["confirm_not_duplicate"] == "on"


def test_an_importer_needs_an_eori(searched_client, data):
    response = searched_client.post(CREATE, {**data, "eori": ""})
    assert "An organic importer needs an EORI number." in response.content.decode()


def test_at_least_one_activity_is_needed(searched_client, data):
    data.pop("is_importer")
    response = searched_client.post(CREATE, data)
    assert "Tick at least one activity" in response.content.decode()


def test_a_first_consignee_may_have_no_eori(searched_client, data):
    data.pop("is_importer")
    response = searched_client.post(CREATE, {**data, "is_first_consignee": "on", "eori": ""})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 201),
        ("name", "Bio\x00Import"),
        ("name", "Bio\nImport"),
        ("name", "<b>Bio</b>"),
        ("city", "Lyon\x1b"),
        ("name", "Bio\u202eImport"),
        ("address", "1 rue\u200b du Port"),
        ("country", "ZZ"),
        ("country", ""),
        ("control_body", "999999"),
        ("control_body", "abc"),
        ("eori", "FR732829321"),
        ("eori", "FR12345678"),
        ("eori", "123456"),
        ("eori", "DE" + "1" * 16),
        ("phone", "12"),
        ("phone", "not a phone"),
        ("postcode", "ABCDE"),
        ("postcode", "1234567"),
        ("email", "not-an-email"),
    ],
)
def test_bad_input_gives_a_field_error_and_writes_nothing(searched_client, data, field, value):
    response = searched_client.post(CREATE, {**data, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "pending_operator" not in searched_client.session
    assert not Organisation.objects.operators().exists()


def test_a_control_body_that_is_not_valid_cannot_be_chosen(searched_client, data, control_body):
    control_body.status = "suspended"
    control_body.save()
    response = searched_client.post(CREATE, data)
    assert "control_body" in response.context["form"].errors


def test_a_foreign_operator_uses_its_own_formats(searched_client, data):
    response = searched_client.post(
        CREATE,
        {
            **data,
            "country": "DE",
            "postcode": "10115",
            "phone": "030 1234567",
            "eori": "de 1234567 89012345"[:20],
        },
    )
    assert response.status_code == 302, response.context["form"].errors


def test_the_form_speaks_french(searched_client, applicant):
    applicant.interface_language = "fr"
    applicant.save()
    html = searched_client.get(CREATE).content.decode()
    assert "Créer un nouvel opérateur" in html
    assert "Importateur bio" in html
