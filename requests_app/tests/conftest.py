import pytest

from entities.tests.factories import ControlBodyFactory


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def control_body(db):
    return ControlBodyFactory(name="Ecocert France", code="FR-BIO-01")
