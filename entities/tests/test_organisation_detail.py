import pytest
from django.urls import reverse

from entities.tests.factories import AuthorityFactory, MembershipFactory, OperatorFactory

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_log_in(client):
    operator = OperatorFactory()
    response = client.get(reverse("entities:organisation", args=[operator.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_it_shows_public_details_but_nothing_about_members(applicant_client):
    operator = OperatorFactory(
        name="Bio Import Lyon", is_first_consignee=True, status="new", phone="+33472000000"
    )
    # Names of our own: a random last name could be a word the page shows anyway.
    member = MembershipFactory(
        organisation=operator,
        is_admin=True,
        user__first_name="Hortense",
        user__last_name="Quenneville",
        user__email="hortense.quenneville@example.eu",
    ).user
    html = applicant_client.get(
        reverse("entities:organisation", args=[operator.pk])
    ).content.decode()
    assert "Bio Import Lyon" in html
    assert operator.eori in html
    assert "Organic importer, Organic operator (first consignee)" in html
    assert operator.control_body.name in html
    assert ">New</span>" in html
    assert "France" in html
    assert member.email not in html
    assert member.last_name not in html
    assert member.first_name not in html


def test_an_authority_shows_its_code_and_kind(applicant_client):
    authority = AuthorityFactory(code="FR-CCA")
    html = applicant_client.get(
        reverse("entities:organisation", args=[authority.pk])
    ).content.decode()
    assert "FR-CCA" in html
    assert "Central competent authority" in html


def test_an_unknown_organisation_is_not_found(applicant_client):
    assert applicant_client.get("/directory/organisations/999999/").status_code == 404
