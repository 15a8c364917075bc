"""Propose a change to an operator: a request of kind Change, validated like the others."""

import re
import threading

import pytest
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from entities.models import Organisation, OrganisationEvent
from entities.tests.factories import ControlBodyFactory, OperatorFactory
from requests_app import notifications
from requests_app.models import AuthorisationRequest, RequestKind, RequestStatus
from requests_app.services import (
    ChangeAlreadyOpen,
    RequestError,
    change_propose,
    request_approve,
    request_reject,
)

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "12 quai Saint-Vincent"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(operator):
    return reverse("requests:change_propose", args=[operator.pk])


def _form_data(operator, **changes):
    data = {
        "name": operator.name,
        "city": operator.city,
        "address": operator.address,
        "postcode": operator.postcode,
        "phone": "",
        "email": operator.email,
        "eori": operator.eori,
        "control_body": operator.control_body_id,
        "message": "We moved.",
    }
    if operator.is_importer:
        data["is_importer"] = "on"
    if operator.is_first_consignee:
        data["is_first_consignee"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def proposal(operator, operator_admin, validator_inao):
    return change_propose(operator=operator, proposed={"address": NEW_ADDRESS}, by=operator_admin)


# --- The form ---------------------------------------------------------------------


def test_the_form_is_for_the_operators_administrators(cast, operator):
    expected = {
        "operator_admin": 200,
        "colleague": 403,
        "applicant": 404,
        "outsider": 404,
        "validator_inao": 404,
        "validator_other": 404,
        "superuser": 404,
    }
    seen = {name: _client(user).get(_url(operator)).status_code for name, user in cast.items()}
    assert seen == expected
    for name, user in cast.items():
        if name != "operator_admin":
            _client(user).post(_url(operator), _form_data(operator, address=NEW_ADDRESS))
    assert not AuthorisationRequest.objects.filter(kind=RequestKind.CHANGE).exists()
    anonymous = Client().get(_url(operator))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))


def test_the_form_is_the_new_operator_form_filled_with_the_validated_values(
    operator_admin, operator
):
    html = _client(operator_admin).get(_url(operator)).content.decode()
    for label in ("Name", "Country", "City", "Address", "Postcode", "Phone number", "EORI number"):
        assert f">{label}</label>" in html, label
    assert "Organic importer" in html and "Control body" in html
    assert f'value="{operator.address}"' in html and f'value="{operator.eori}"' in html
    assert ">Send for validation</button>" in html


def test_the_operator_page_offers_propose_a_change_to_its_administrators_only(
    operator_admin, colleague, operator
):
    page = reverse("entities:organisation", args=[operator.pk])
    assert "Propose a change" in _client(operator_admin).get(page).content.decode()
    assert "Propose a change" not in _client(colleague).get(page).content.decode()


def test_sending_makes_a_change_request_and_the_operator_keeps_its_values(
    operator_admin, operator, validator_inao, inao
):
    old_address = operator.address
    response = _client(operator_admin).post(
        _url(operator), _form_data(operator, address=NEW_ADDRESS)
    )
    request = AuthorisationRequest.objects.get(kind=RequestKind.CHANGE)
    assert response.status_code == 302 and response.url == reverse(
        "requests:sent", args=[request.pk]
    )
    assert request.status == RequestStatus.PENDING and request.routed_to == inao
    assert request.proposal == {
        "proposed": {"address": NEW_ADDRESS},
        "based_on": {"address": old_address},
    }
    assert request.message == "We moved."
    operator.refresh_from_db()
    assert operator.address == old_address
    # The directory's page shows the validated value; the administrators see both.
    page = reverse("entities:organisation", args=[operator.pk])
    outsider_view = _client(validator_inao).get(page).content.decode()
    assert old_address in outsider_view and NEW_ADDRESS not in outsider_view
    admin_view = _client(operator_admin).get(page).content.decode()
    assert "Declared" in admin_view and "Validated" in admin_view and NEW_ADDRESS in admin_view
    assert OrganisationEvent.objects.filter(
        organisation=operator, action="change_proposed"
    ).exists()
    # The validator is told, and the e-mail names the kind.
    (to_validator,) = [m for m in mail.outbox if m.to == [validator_inao.email]]
    assert "Proposed change to Bio Import Lyon" in to_validator.subject
    assert Notification.objects.filter(user=validator_inao, verb=notifications.NEW_CHANGE).exists()


def test_nothing_changed_is_said(operator_admin, operator):
    response = _client(operator_admin).post(_url(operator), _form_data(operator))
    assert response.status_code == 400
    assert "Nothing is changed" in response.content.decode()
    assert not AuthorisationRequest.objects.exists()


def test_an_eori_held_by_another_operator_is_refused_with_a_link(operator_admin, operator):
    other = OperatorFactory(name="Autre Bio")
    response = _client(operator_admin).post(_url(operator), _form_data(operator, eori=other.eori))
    html = response.content.decode()
    assert response.status_code == 400
    assert reverse("entities:organisation", args=[other.pk]) in html
    assert not AuthorisationRequest.objects.exists()
    with pytest.raises(RequestError, match="already belongs"):
        change_propose(operator=operator, proposed={"eori": other.eori}, by=operator_admin)


def test_one_open_change_per_operator(proposal, operator_admin, operator):
    with pytest.raises(ChangeAlreadyOpen):
        change_propose(operator=operator, proposed={"city": "Villeurbanne"}, by=operator_admin)
    html = _client(operator_admin).get(_url(operator)).content.decode()
    assert "waiting for a decision" in html and "Send for validation" not in html


# --- Deciding ------------------------------------------------------------------------


def _admin_page(client, request):
    return client.get(
        reverse("admin:requests_app_authorisationrequest_change", args=[request.pk])
    ).content.decode()


def test_the_validator_sees_the_change_field_by_field(proposal, validator_inao, operator):
    html = _admin_page(_client(validator_inao), proposal)
    assert "Proposed change to Bio Import Lyon" in html
    assert "Declared" in html and NEW_ADDRESS in html and operator.address in html
    assert "changed since" not in html


def test_the_queue_filters_the_change_kind(proposal, pending_request, validator_inao):
    html = (
        _client(validator_inao)
        .get(
            reverse("admin:requests_app_authorisationrequest_changelist"), {"kind__exact": "change"}
        )
        .content.decode()
    )
    assert "Olivia Admin" in html and "Anne Applicant" not in html


def test_a_validator_of_another_authority_does_not_see_it(proposal, validator_other):
    response = _client(validator_other).get(
        reverse("admin:requests_app_authorisationrequest_change", args=[proposal.pk])
    )
    assert response.status_code == 404


def test_approval_applies_exactly_the_proposed_fields(proposal, validator_inao, operator):
    client = _client(validator_inao)
    response = client.post(
        reverse("admin:requests_app_authorisationrequest_approve", args=[proposal.pk])
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.address == NEW_ADDRESS
    event = OrganisationEvent.objects.get(organisation=operator, action="changed")
    assert event.actor == validator_inao
    assert list(event.changes) == ["address"] and event.changes["address"][1] == NEW_ADDRESS
    decision = [m for m in mail.outbox if "approved" in m.subject]
    assert decision and decision[0].to == ["olivia@bio-import.example"]
    assert "Your proposed change to Bio Import Lyon has been approved" in decision[0].subject
    assert Notification.objects.filter(verb=notifications.CHANGE_APPROVED).exists()
    page = _client(validator_inao).get(reverse("entities:organisation", args=[operator.pk]))
    assert "History of changes" in page.content.decode()


def test_a_stale_proposal_is_shown_as_such_and_approval_touches_only_its_fields(
    proposal, validator_inao, operator
):
    Organisation.objects.filter(pk=operator.pk).update(address="5 rue Neuve", city="Bron")
    html = _admin_page(_client(validator_inao), proposal)
    assert "changed since" in html and "5 rue Neuve" in html
    request_approve(request=proposal, decided_by=validator_inao)
    operator.refresh_from_db()
    assert (operator.address, operator.city) == (NEW_ADDRESS, "Bron")


def test_rejection_keeps_the_validated_values(proposal, validator_inao, operator):
    old = operator.address
    request_reject(request=proposal, decided_by=validator_inao, reason="Send the Kbis extract.")
    operator.refresh_from_db()
    assert operator.address == old
    event = OrganisationEvent.objects.get(organisation=operator, action="change_rejected")
    assert "Send the Kbis extract." in event.note
    decision = [m for m in mail.outbox if "rejected" in m.subject]
    assert "Send the Kbis extract." in decision[0].body
    assert Notification.objects.filter(verb=notifications.CHANGE_REJECTED).exists()


def test_an_eori_taken_since_the_proposal_is_not_applied(operator, operator_admin, validator_inao):
    other_eori = OperatorFactory.build().eori
    request = change_propose(operator=operator, proposed={"eori": other_eori}, by=operator_admin)
    OperatorFactory(eori=other_eori)
    with pytest.raises(RequestError, match="cannot be applied"):
        request_approve(request=request, decided_by=validator_inao)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_the_control_body_and_activities_can_change(operator, operator_admin, validator_inao):
    body = ControlBodyFactory(name="Bureau Veritas Bio")
    request = change_propose(
        operator=operator,
        proposed={"control_body": body.pk, "is_first_consignee": True},
        by=operator_admin,
    )
    html = _admin_page(_client(validator_inao), request)
    assert "Bureau Veritas Bio" in html
    request_approve(request=request, decided_by=validator_inao)
    operator.refresh_from_db()
    assert operator.control_body == body and operator.is_first_consignee
    event = OrganisationEvent.objects.get(organisation=operator, action="changed")
    assert event.changes["control_body"][1] == body.pk  # kept by pk, shown by name:
    page = _client(validator_inao).get(reverse("entities:organisation", args=[operator.pk]))
    assert re.search(
        r"Control body: <del>.*</del> → <ins>Bureau Veritas Bio</ins>", page.content.decode()
    )


# --- Two proposals at once ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_proposals_at_once_make_one_request(operator, operator_admin, colleague, attempt):
    from entities.models import Membership

    Membership.objects.filter(user=colleague, organisation=operator).update(is_admin=True)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def propose(by, city):
        try:
            barrier.wait(timeout=10)
            change_propose(operator=operator, proposed={"city": city}, by=by)
            outcomes.append("sent")
        except ChangeAlreadyOpen:
            outcomes.append("refused")
        except Exception as error:  # anything else is the failure under test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=propose, args=(operator_admin, "Villeurbanne")),
        threading.Thread(target=propose, args=(colleague, "Vénissieux")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["refused", "sent"]
    assert AuthorisationRequest.objects.filter(kind=RequestKind.CHANGE).count() == 1


def test_the_request_page_of_the_applicant_shows_the_diff(proposal, operator_admin):
    html = (
        _client(operator_admin).get(reverse("requests:detail", args=[proposal.pk])).content.decode()
    )
    assert "Proposed change to Bio Import Lyon" in html
    assert re.search(r"Declared.*" + re.escape(NEW_ADDRESS), html, re.S)


def test_merging_a_duplicate_withdraws_its_proposed_change_and_keeps_the_others(
    proposal, operator, operator_admin, validator_inao
):
    from accounts.tests.factories import UserFactory
    from entities.tests.factories import MembershipFactory
    from requests_app.services import operator_merge

    duplicate = OperatorFactory(name="Bio-Import Lyon SARL", country="FR", city="Lyon")
    denis = UserFactory(first_name="Denis", last_name="Double")
    MembershipFactory(user=denis, organisation=duplicate, is_admin=True)
    theirs = change_propose(operator=duplicate, proposed={"city": "Bron"}, by=denis)
    # Its author is no longer a member by then (who proposed does not matter).
    from entities.models import Membership

    Membership.objects.filter(user=denis).delete()
    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    theirs.refresh_from_db()
    proposal.refresh_from_db()
    # The duplicate's change, made on its own values, is closed; the kept one's stays.
    assert theirs.status == RequestStatus.WITHDRAWN
    assert proposal.status == RequestStatus.PENDING
    assert (
        AuthorisationRequest.objects.open().filter(organisation=operator, kind="change").count()
        == 1
    )


def test_a_change_sent_back_for_correction_is_corrected_and_applied(
    proposal, operator, operator_admin, validator_inao
):
    from requests_app.services import request_ask_correction

    request_ask_correction(
        request=proposal, decided_by=validator_inao, reason="The street number is missing."
    )
    client = _client(operator_admin)
    url = reverse("requests:correct", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert f'value="{NEW_ADDRESS}"' in page  # the declared value, to correct
    assert "The proposed details" in page
    data = _form_data(operator, address="14 quai Saint-Vincent")
    data.update(contact_email=operator_admin.email, contact_phone="")
    response = client.post(url, data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == RequestStatus.PENDING
    assert proposal.proposal["proposed"] == {"address": "14 quai Saint-Vincent"}
    request_approve(request=proposal, decided_by=validator_inao)
    operator.refresh_from_db()
    assert operator.address == "14 quai Saint-Vincent"


def test_a_correction_that_changes_nothing_is_refused(
    proposal, operator, operator_admin, validator_inao
):
    from requests_app.services import request_ask_correction

    request_ask_correction(request=proposal, decided_by=validator_inao, reason="Check it.")
    data = _form_data(operator)  # the validated values: nothing proposed any more
    data.update(contact_email=operator_admin.email, contact_phone="")
    _client(operator_admin).post(reverse("requests:correct", args=[proposal.pk]), data)
    proposal.refresh_from_db()
    assert proposal.in_correction and proposal.proposal["proposed"] == {"address": NEW_ADDRESS}
