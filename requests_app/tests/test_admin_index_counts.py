"""The admin's landing page counts what waits in the person's queue, each a link to it."""

import datetime

import pytest
from django.urls import reverse

from entities.tests.factories import OperatorFactory
from requests_app.services import request_ask_correction, request_submit


@pytest.fixture(autouse=True)
def _in_english():
    """Whatever language a page activates is left behind for the next tests: not here."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def queue(time_machine, inao, validator_inao, outsider):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False)
    old = request_submit(applicant=outsider, organisation=OperatorFactory(country="FR"))
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False)
    request_submit(applicant=outsider, organisation=OperatorFactory(country="FR"))
    fixed = request_submit(applicant=outsider, organisation=OperatorFactory(country="FR"))
    request_ask_correction(request=fixed, decided_by=validator_inao, reason="Which role?")
    return old


def counts(page: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'status__exact=[^"]+">([^<]+)</a></th><td[^>]*>(\d+)</td>', page))


def test_the_index_counts_pending_overdue_and_correction_requested(
    client, queue, validator_inao, django_assert_max_num_queries
):
    client.force_login(validator_inao)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:index")).content.decode()
    assert counts(page) == {"Pending": "2", "Overdue": "1", "Correction requested": "1"}
    queue_url = reverse("admin:requests_app_authorisationrequest_changelist")
    overdue = client.get(queue_url, {"status__exact": "pending", "overdue": "yes"})
    assert overdue.context["cl"].result_count == 1
    correction = client.get(queue_url, {"status__exact": "correction"})
    assert correction.context["cl"].result_count == 1


def test_another_authoritys_validator_counts_none_of_them(client, queue, validator_other):
    client.force_login(validator_other)
    page = client.get(reverse("admin:index")).content.decode()
    assert counts(page) == {"Pending": "0", "Overdue": "0", "Correction requested": "0"}


def test_the_index_speaks_french(client, queue, validator_inao):
    validator_inao.interface_language = "fr"
    validator_inao.save()
    client.force_login(validator_inao)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Correction demandée" in page
