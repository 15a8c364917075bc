import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from entities.tests.factories import AuthorityFactory, ControlBodyFactory, OperatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["operator", "controlbody", "authority"])
def test_each_kind_has_a_searchable_filtered_list(admin_client, model):
    OperatorFactory(name="Bio Admin")
    AuthorityFactory()
    url = reverse(f"admin:entities_{model}_changelist")
    assert admin_client.get(url, {"q": "bio"}).status_code == 200
    assert admin_client.get(url, {"status__exact": "valid"}).status_code == 200


def test_a_control_body_is_edited_with_its_audit_fields_read_only(admin_client):
    body = ControlBodyFactory(code="FR-BIO-99", name="Old name")
    url = reverse("admin:entities_controlbody_change", args=[body.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="created_at"' not in html
    response = admin_client.post(
        url,
        {
            "code": "FR-BIO-99",
            "name": "Nouveau Nom Qualité",
            "control_body_kind": "control_body",
            "status": "valid",
            "country": "FR",
            "city": "Paris",
            "address": "",
            "postcode": "",
            "phone": "",
            "email": "",
        },  # fmt: skip
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.name == "Nouveau Nom Qualité"
    assert body.search_name == "nouveau nom qualite fr bio 99"  # its code follows its name


def test_the_operator_list_only_lists_operators(admin_client):
    OperatorFactory(name="Bio Admin")
    response = admin_client.get(reverse("admin:entities_operator_changelist"))
    names = [o.name for o in response.context["cl"].result_list]
    assert names == ["Bio Admin"]
