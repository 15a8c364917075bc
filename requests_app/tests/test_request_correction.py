"""Ask for correction, then Correct and resubmit: Pending -> Correction requested -> Pending."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from entities.models import Organisation, OrganisationEvent, Status
from entities.tests.factories import ControlBodyFactory, OperatorFactory
from requests_app.models import AuthorisationRequest, RequestEvent, RequestStatus
from requests_app.services import (
    RequestError,
    RequestNotAllowed,
    RequestNotPending,
    request_approve,
    request_ask_correction,
    request_resubmit,
    request_submit,
    request_submit_new_operator,
    request_withdraw,
)

CAST = [
    "applicant",
    "colleague",
    "outsider",
    "operator_admin",
    "validator_inao",
    "validator_other",
    "superuser",
]
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _in_english():
    """Services' messages in English, whatever language a page before left active."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def control_body(db):
    return ControlBodyFactory(name="Ecocert France", code="FR-BIO-01")


@pytest.fixture
def new_operator_request(applicant, inao, validator_inao, control_body):
    data = {
        "name": "Nouvelle Bio SARL",
        "country": "FR",
        "city": "Nantes",
        "address": "3 quai de la Fosse",
        "postcode": "44000",
        "eori": "FR100000017",
        "is_importer": True,
        "is_first_consignee": False,
        "control_body": control_body,
    }
    return request_submit_new_operator(
        applicant=applicant, operator_data=data, message="New", contact_email="anne@example.eu"
    )


@pytest.fixture
def in_correction(new_operator_request, validator_inao):
    return request_ask_correction(
        request=new_operator_request,
        decided_by=validator_inao,
        reason="The address is the warehouse's: give the registered office.",
    )


def correction_url(req):
    return reverse("admin:requests_app_authorisationrequest_correction", args=[req.pk])


def operator_post(request, **changes):
    operator = request.organisation
    data = {
        "name": operator.name,
        "country": "FR",
        "city": operator.city,
        "address": operator.address,
        "postcode": operator.postcode,
        "phone": "",
        "email": "",
        "eori": operator.eori,
        "is_importer": "on",
        "control_body": operator.control_body_id,
        "message": "Corrected",
        "contact_email": "anne@example.eu",
        "contact_phone": "",
    }
    data.update(changes)
    return data


# --- The service ---------------------------------------------------------------------


def test_asking_for_a_correction_sends_the_request_back_with_the_reason(in_correction, applicant):
    req = AuthorisationRequest.objects.get(pk=in_correction.pk)
    assert req.status == RequestStatus.CORRECTION_REQUESTED
    assert req.get_status_display() == "Correction requested"
    assert req.reason.startswith("The address is the warehouse's")
    assert req.correction_requested_at is not None
    assert req.decided_at is None  # nothing is decided yet
    event = RequestEvent.objects.filter(request=req).last()
    assert (event.action, event.from_status, event.to_status) == (
        "correction_asked",
        "pending",
        "correction",
    )
    assert event.note == req.reason
    notice = Notification.objects.filter(user=applicant, verb="request.correction").get()
    assert "needs a correction: The address is the warehouse's" in notice.text
    assert notice.url == reverse("requests:detail", args=[req.pk])


def test_the_applicant_is_told_by_e_mail_in_their_language_with_text_and_html(
    new_operator_request, applicant, validator_inao
):
    applicant.email_language = "fr"
    applicant.save()
    mail.outbox.clear()
    request_ask_correction(
        request=new_operator_request, decided_by=validator_inao, reason="L'adresse & le siège"
    )
    (message,) = [m for m in mail.outbox if applicant.email in m.to]
    assert "correction" in message.subject.lower()
    assert "L'adresse & le siège" in message.body  # text: not escaped
    assert reverse("requests:correct", args=[new_operator_request.pk]) in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "L&#x27;adresse &amp; le siège" in html
    assert 'lang="fr"' in html
    assert "Corrigez-la et renvoyez-la ici" in message.body


def test_a_correction_needs_a_reason(new_operator_request, validator_inao):
    with pytest.raises(RequestError, match="Say what to correct"):
        request_ask_correction(request=new_operator_request, decided_by=validator_inao, reason=" ")
    new_operator_request.refresh_from_db()
    assert new_operator_request.is_pending


def test_only_a_decider_asks_for_a_correction(new_operator_request, validator_other, applicant):
    for who in (validator_other, applicant):
        with pytest.raises(RequestNotAllowed):
            request_ask_correction(request=new_operator_request, decided_by=who, reason="x")


def test_the_database_refuses_a_correction_without_a_reason(new_operator_request):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorisationRequest.objects.filter(pk=new_operator_request.pk).update(
            status=RequestStatus.CORRECTION_REQUESTED
        )


def test_resubmitting_makes_it_pending_again_due_two_working_days_later(
    in_correction, applicant, validator_inao, time_machine
):
    # Thursday 2 April 2026: Easter Monday (6 April) is a holiday in France.
    time_machine.move_to(datetime.datetime(2026, 4, 2, 9, tzinfo=UTC), tick=False)
    submitted_at = in_correction.submitted_at
    mail.outbox.clear()
    req = request_resubmit(
        request=in_correction,
        by=applicant,
        message="The registered office now",
        contact_email="",
        contact_phone="",
        operator_data=None,
    )
    assert req.status == RequestStatus.PENDING
    assert req.due_date == datetime.date(2026, 4, 7)
    assert req.submitted_at == submitted_at  # its place in the queue and its reference stay
    assert req.reason == ""
    assert req.message == "The registered office now"
    events = RequestEvent.objects.filter(request=req).order_by("pk")  # time went back
    actions = list(events.values_list("action", flat=True))
    assert actions == ["submitted", "correction_asked", "resubmitted"]
    assert Notification.objects.filter(user=validator_inao, verb="request.resubmitted").exists()
    (message,) = [m for m in mail.outbox if validator_inao.email in m.to]
    assert "Corrected authorisation request" in message.subject


def test_a_new_operators_row_changes_only_when_the_correction_is_resubmitted(
    client, in_correction, applicant
):
    client.force_login(applicant)
    url = reverse("requests:correct", args=[in_correction.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "3 quai de la Fosse" in page.content.decode()  # the form shows the details
    assert "Correct and resubmit" in page.content.decode()
    # An invalid correction changes nothing.
    response = client.post(url, operator_post(in_correction, address="", postcode="4400"))
    assert response.status_code == 400
    assert "Enter the address: street and number" in response.content.decode()
    assert Organisation.objects.get(pk=in_correction.organisation_id).address == (
        "3 quai de la Fosse"
    )
    response = client.post(url, operator_post(in_correction, address="12 rue Kervégan"))
    assert response.status_code == 302
    operator = Organisation.objects.get(pk=in_correction.organisation_id)
    assert (operator.address, operator.status) == ("12 rue Kervégan", Status.NEW)
    change = OrganisationEvent.objects.filter(organisation=operator, action="changed").get()
    assert change.changes == {"address": ["3 quai de la Fosse", "12 rue Kervégan"]}
    assert change.actor == applicant
    in_correction.refresh_from_db()
    assert in_correction.status == RequestStatus.PENDING
    assert in_correction.message == "Corrected"


def test_the_correction_refuses_an_eori_another_operator_holds(client, in_correction, applicant):
    other = OperatorFactory(name="Déjà Là", country="FR")
    client.force_login(applicant)
    url = reverse("requests:correct", args=[in_correction.pk])
    response = client.post(url, operator_post(in_correction, eori=other.eori))
    assert response.status_code == 400
    assert "already in the directory" in response.content.decode()
    in_correction.refresh_from_db()
    assert in_correction.in_correction
    # Its own EORI is no duplicate of itself.
    response = client.post(url, operator_post(in_correction))
    assert response.status_code == 302


def test_the_correction_asks_about_similar_names_as_the_creation_does(
    client, in_correction, applicant
):
    OperatorFactory(name="Nouvelle Bio", country="FR")
    client.force_login(applicant)
    url = reverse("requests:correct", args=[in_correction.pk])
    response = client.post(url, operator_post(in_correction))
    assert response.status_code == 400
    assert "Is it one of these?" in response.content.decode()
    response = client.post(url, operator_post(in_correction, confirm_not_duplicate="on"))
    assert response.status_code == 302


def test_an_attachment_is_corrected_through_its_message_and_contacts(
    client, pending_request, applicant, validator_inao
):
    request_ask_correction(
        request=pending_request, decided_by=validator_inao, reason="Say what you do there"
    )
    client.force_login(applicant)
    url = reverse("requests:correct", args=[pending_request.pk])
    page = client.get(url).content.decode()
    assert "Say what you do there" in page
    assert 'name="name"' not in page  # no operator's details to correct
    response = client.post(
        url,
        {"message": "I am the buyer", "contact_email": "anne@example.eu", "contact_phone": ""},
    )
    assert response.status_code == 302
    pending_request.refresh_from_db()
    assert (pending_request.status, pending_request.message) == ("pending", "I am the buyer")


def test_only_the_author_resubmits(in_correction, outsider):
    with pytest.raises(RequestNotAllowed):
        request_resubmit(
            request=in_correction, by=outsider, message="", contact_email="", contact_phone=""
        )


def test_a_request_not_in_correction_cannot_be_resubmitted(new_operator_request, applicant):
    with pytest.raises(RequestNotPending):
        request_resubmit(
            request=new_operator_request,
            by=applicant,
            message="",
            contact_email="",
            contact_phone="",
        )


def test_the_applicant_cannot_ask_twice_while_a_request_waits_for_correction(
    pending_request, applicant, validator_inao
):
    request_ask_correction(request=pending_request, decided_by=validator_inao, reason="Why?")
    with pytest.raises(RequestError, match="already have a pending request"):
        request_submit(applicant=applicant, organisation=pending_request.organisation)


def test_the_whole_exchange_stays_in_the_history_through_approval(
    in_correction, applicant, validator_inao
):
    req = request_resubmit(
        request=in_correction, by=applicant, message="Done", contact_email="", contact_phone=""
    )
    request_approve(request=req, decided_by=validator_inao)
    events = RequestEvent.objects.filter(request=req)
    assert [(e.action, e.to_status) for e in events] == [
        ("submitted", "pending"),
        ("correction_asked", "correction"),
        ("resubmitted", "pending"),
        ("approved", "approved"),
    ]
    assert events[1].note.startswith("The address is the warehouse's")


# --- Races: one outcome -------------------------------------------------------------


def test_a_correction_asked_after_the_applicant_withdrew_is_refused(
    new_operator_request, applicant, validator_inao
):
    stale = AuthorisationRequest.objects.get(pk=new_operator_request.pk)
    request_withdraw(request=new_operator_request, by=applicant)
    with pytest.raises(RequestNotPending, match="has been withdrawn"):
        request_ask_correction(request=stale, decided_by=validator_inao, reason="Too late")
    assert not RequestEvent.objects.filter(action="correction_asked").exists()


def test_a_withdrawal_of_what_the_applicant_saw_pending_is_refused_once_in_correction(
    new_operator_request, applicant, validator_inao
):
    stale = AuthorisationRequest.objects.get(pk=new_operator_request.pk)  # seen pending
    request_ask_correction(request=new_operator_request, decided_by=validator_inao, reason="Fix")
    with pytest.raises(RequestNotPending, match="waiting for its author's correction"):
        request_withdraw(request=stale, by=applicant)
    fresh = AuthorisationRequest.objects.get(pk=new_operator_request.pk)
    assert fresh.in_correction
    # Having read the reason, the applicant may still withdraw it.
    request_withdraw(request=fresh, by=applicant)
    fresh.refresh_from_db()
    assert fresh.status == RequestStatus.WITHDRAWN
    assert fresh.organisation.status == Status.REJECTED  # its EORI is free again


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_correction_and_a_withdrawal_at_once_on_two_connections_make_one_change(
    pending_request, validator_inao, applicant
):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(action):
        try:
            stale = AuthorisationRequest.objects.get(pk=pending_request.pk)
            barrier.wait(timeout=10)
            if action == "correction":
                request_ask_correction(request=stale, decided_by=validator_inao, reason="Fix")
            else:
                request_withdraw(request=stale, by=applicant)
            outcomes.append(action)
        except RequestNotPending:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(a,)) for a in ("correction", "withdraw")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) in (["correction", "refused"], ["refused", "withdraw"])
    pending_request.refresh_from_db()
    winner = next(o for o in outcomes if o != "refused")
    assert pending_request.status == {"correction": "correction", "withdraw": "withdrawn"}[winner]
    assert RequestEvent.objects.filter(request=pending_request).count() == 2


# --- The admin request page --------------------------------------------------------


def test_the_admin_request_page_offers_ask_for_correction_with_the_reason(
    client, validator_inao, new_operator_request
):
    client.force_login(validator_inao)
    url = reverse("admin:requests_app_authorisationrequest_change", args=[new_operator_request.pk])
    page = client.get(url).content.decode()
    assert 'value="Ask for correction"' in page
    assert correction_url(new_operator_request) in page
    response = client.post(correction_url(new_operator_request), {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason" in response.content.decode()
    response = client.post(
        correction_url(new_operator_request), {"reason": "Wrong address"}, follow=True
    )
    assert "A correction has been asked for" in response.content.decode()
    new_operator_request.refresh_from_db()
    assert (new_operator_request.status, new_operator_request.reason) == (
        "correction",
        "Wrong address",
    )
    page = client.get(url).content.decode()
    assert "Correction requested" in page
    assert 'value="Ask for correction"' not in page  # nothing to decide while it waits


@pytest.mark.parametrize("who", CAST)
def test_only_the_authoritys_validators_ask_for_a_correction_in_the_admin(
    client, cast, pending_request, who
):
    client.force_login(cast[who])
    response = client.post(correction_url(pending_request), {"reason": "Fix"})
    expected = {"validator_inao": 302, "superuser": 302, "validator_other": 404}
    if who in expected:
        assert response.status_code == expected[who]
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    pending_request.refresh_from_db()
    assert pending_request.in_correction == (who in ("validator_inao", "superuser"))


def test_ask_for_correction_is_post_only_and_needs_the_csrf_token(
    client, validator_inao, pending_request
):
    from django.test import Client

    client.force_login(validator_inao)
    assert client.get(correction_url(pending_request)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(validator_inao)
    assert strict.post(correction_url(pending_request), {"reason": "x"}).status_code == 403
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_the_queue_filters_on_correction_requested(client, validator_inao, in_correction):
    client.force_login(validator_inao)
    url = reverse("admin:requests_app_authorisationrequest_changelist")
    page = client.get(url, {"status__exact": "correction"}).content.decode()
    assert "Nouvelle Bio SARL" in page
    assert "Correction requested" in page
    assert "Nouvelle Bio SARL" not in client.get(url).content.decode()  # Pending by default


# --- The applicant's pages ------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_correct_and_resubmit_is_the_authors_alone(client, cast, pending_request, who):
    request_ask_correction(
        request=pending_request, decided_by=cast["validator_inao"], reason="Fix it"
    )
    client.force_login(cast[who])
    url = reverse("requests:correct", args=[pending_request.pk])
    assert client.get(url).status_code == (200 if who == "applicant" else 404)
    response = client.post(url, {"message": "x", "contact_email": "a@example.eu"})
    assert response.status_code == (302 if who == "applicant" else 404)


def test_correct_and_resubmit_asks_anonymous_visitors_to_log_in(client, in_correction):
    response = client.get(reverse("requests:correct", args=[in_correction.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_request_page_and_profile_offer_correct_and_resubmit(client, in_correction, applicant):
    client.force_login(applicant)
    page = client.get(reverse("requests:detail", args=[in_correction.pk])).content.decode()
    assert "Correction requested" in page
    assert "Correct and resubmit" in page
    assert "The address is the warehouse" in page
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Correct and resubmit" in profile
    assert "Waiting for your correction" in profile


def test_a_request_that_is_not_in_correction_sends_the_author_back(
    client, new_operator_request, applicant
):
    client.force_login(applicant)
    response = client.get(reverse("requests:correct", args=[new_operator_request.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("requests:detail", args=[new_operator_request.pk])


def test_the_pages_speak_french(client, in_correction, applicant):
    applicant.interface_language = "fr"
    applicant.save()
    client.force_login(applicant)
    with translation.override("fr"):
        page = client.get(
            reverse("requests:correct", args=[in_correction.pk]), HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()
        detail = client.get(
            reverse("requests:detail", args=[in_correction.pk]), HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()
    assert "Corriger et renvoyer" in page
    assert "Correction demandée" in detail


def test_correct_and_resubmit_needs_the_csrf_token(in_correction, applicant):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(applicant)
    url = reverse("requests:correct", args=[in_correction.pk])
    assert strict.post(url, operator_post(in_correction)).status_code == 403
    in_correction.refresh_from_db()
    assert in_correction.in_correction
