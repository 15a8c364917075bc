"""Portal pages against the whole cast: 404 where it is not yours, 405 for GET on a change."""

import pytest
from django.urls import reverse

from accounts.models import Notification
from accounts.tests.factories import UserFactory
from entities.models import Membership
from entities.tests.factories import OperatorFactory
from requests_app.models import AuthorisationRequest, RequestStatus

CAST = [
    "applicant",
    "colleague",
    "outsider",
    "operator_admin",
    "validator_inao",
    "validator_other",
    "superuser",
]


def login(client, user):
    client.force_login(user)
    return client


# --- Request detail: the applicant and those who decide --------------------------------

DETAIL = {
    "applicant": 200,
    "colleague": 404,
    "outsider": 404,
    "operator_admin": 200,
    "validator_inao": 200,
    "validator_other": 404,
    "superuser": 200,
}


@pytest.mark.parametrize("who", CAST)
def test_a_request_page_is_shown_only_to_its_applicant_and_deciders(
    client, cast, pending_request, who
):
    response = login(client, cast[who]).get(reverse("requests:detail", args=[pending_request.pk]))
    assert response.status_code == DETAIL[who]
    if response.status_code == 200:
        assert "I run the imports." in response.content.decode()
        assert "Submitted" in response.content.decode()  # the history


def test_pages_ask_anonymous_visitors_to_log_in(client, pending_request):
    for url in [
        reverse("requests:detail", args=[pending_request.pk]),
        reverse("accounts:notifications"),
        reverse("requests:role_choice"),
        reverse("requests:to_decide"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


# --- State changes: POST only ------------------------------------------------------------

STATE_CHANGES = ["withdraw", "approve", "reject"]


# GET on withdraw and approve shows what will happen, with a Confirm button; reject
# takes its reason by POST. None of them changes anything on GET.
GET_ANSWERS = {
    "withdraw": {"applicant": 200, "operator_admin": 404, "superuser": 404},
    "approve": {"applicant": 404, "operator_admin": 200, "superuser": 200},
    "reject": {"applicant": 405, "operator_admin": 405, "superuser": 405},
}


@pytest.mark.parametrize("name", STATE_CHANGES)
def test_get_never_changes_a_request(client, cast, pending_request, name):
    for who, status in GET_ANSWERS[name].items():
        response = login(client, cast[who]).get(
            reverse(f"requests:{name}", args=[pending_request.pk])
        )
        assert response.status_code == status, who
        if status == 200:
            assert "Confirm" in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_get_on_notification_changes_is_refused(client, applicant):
    login(client, applicant)
    assert client.get(reverse("accounts:notifications_read_all")).status_code == 405


WITHDRAW = {
    "applicant": 302,
    "colleague": 404,
    "outsider": 404,
    "operator_admin": 404,
    "validator_inao": 404,
    "validator_other": 404,
    "superuser": 404,
}


@pytest.mark.parametrize("who", CAST)
def test_only_the_applicant_withdraws(client, cast, pending_request, who):
    response = login(client, cast[who]).post(
        reverse("requests:withdraw", args=[pending_request.pk])
    )
    assert response.status_code == WITHDRAW[who]
    pending_request.refresh_from_db()
    expected = RequestStatus.WITHDRAWN if who == "applicant" else RequestStatus.PENDING
    assert pending_request.status == expected


APPROVE = {
    "applicant": 404,
    "colleague": 404,
    "outsider": 404,
    "operator_admin": 302,
    "validator_inao": 302,
    "validator_other": 404,
    "superuser": 302,
}


@pytest.mark.parametrize("who", CAST)
def test_approving_in_the_portal_is_for_deciders_only(client, cast, pending_request, who):
    response = login(client, cast[who]).post(reverse("requests:approve", args=[pending_request.pk]))
    assert response.status_code == APPROVE[who]
    pending_request.refresh_from_db()
    approved = APPROVE[who] == 302
    assert pending_request.status == ("approved" if approved else "pending")
    assert Membership.objects.filter(user=pending_request.applicant).exists() == approved


@pytest.mark.parametrize("who", CAST)
def test_rejecting_in_the_portal_is_for_deciders_only(client, cast, pending_request, who):
    response = login(client, cast[who]).post(
        reverse("requests:reject", args=[pending_request.pk]),
        {"reason": "Unknown to us", "confirmed": "yes"},
    )
    assert response.status_code == APPROVE[who]
    pending_request.refresh_from_db()
    assert pending_request.status == ("rejected" if APPROVE[who] == 302 else "pending")


def test_rejecting_without_a_reason_shows_the_error_and_changes_nothing(
    client, operator_admin, pending_request
):
    response = login(client, operator_admin).post(
        reverse("requests:reject", args=[pending_request.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "Give the reason: the applicant will read it" in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_deciding_a_request_that_is_no_longer_pending_says_so(
    client, operator_admin, pending_request, validator_inao
):
    from requests_app.services import request_approve

    request_approve(request=pending_request, decided_by=validator_inao)
    response = login(client, operator_admin).post(
        reverse("requests:reject", args=[pending_request.pk]),
        {"reason": "No", "confirmed": "yes"},
        follow=True,
    )
    assert "no longer pending: it has been approved" in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.status == "approved"


def test_another_operators_administrator_gets_a_404(client, pending_request):
    other_admin = UserFactory()
    Membership.objects.create(user=other_admin, organisation=OperatorFactory(), is_admin=True)
    response = login(client, other_admin).post(
        reverse("requests:approve", args=[pending_request.pk])
    )
    assert response.status_code == 404
    pending_request.refresh_from_db()
    assert pending_request.is_pending


def test_an_unknown_request_id_is_a_404(client, applicant, db):
    login(client, applicant)
    assert client.get(reverse("requests:detail", args=[999999])).status_code == 404
    assert client.post(reverse("requests:withdraw", args=[999999])).status_code == 404


# --- The operator administrator's list ---------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_the_colleagues_list_shows_requests_only_to_the_operators_administrator(
    client, cast, pending_request, who
):
    response = login(client, cast[who]).get(reverse("requests:to_decide"))
    assert response.status_code == 200
    shown = "Anne Applicant" in response.content.decode()
    assert shown == (who == "operator_admin")


def test_the_colleagues_list_runs_a_fixed_number_of_queries(
    client, operator_admin, operator, pending_request, django_assert_max_num_queries
):
    from requests_app.services import request_submit

    for _ in range(5):
        request_submit(applicant=UserFactory(), organisation=operator)
    login(client, operator_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("requests:to_decide"))
    assert response.content.decode().count("Read and decide") == 6


# --- Sending a request ---------------------------------------------------------------------


def test_the_request_page_prefills_the_contact_e_mail_and_says_who_decides(
    client, applicant, operator, inao
):
    response = login(client, applicant).get(reverse("requests:request_create", args=[operator.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Who decides" in content and "INAO" in content
    assert f'value="{applicant.email}"' in content
    assert "Send authorisation request" in content
    assert "<html" in content  # a whole page without JavaScript


def test_htmx_gets_only_the_dialog_content(client, applicant, operator):
    response = login(client, applicant).get(
        reverse("requests:request_create", args=[operator.pk]), headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="request-dialog-title"' in content
    assert "Send authorisation request" in content


def test_sending_a_request_confirms_it_and_the_profile_lists_it_as_pending(
    client, applicant, operator, inao
):
    login(client, applicant)
    response = client.post(
        reverse("requests:request_create", args=[operator.pk]),
        {
            "message": "Please",
            "contact_email": applicant.email,
            "contact_phone": "+33 1 23 45 67 89",
        },
        follow=True,
    )
    content = response.content.decode()
    request = AuthorisationRequest.objects.get()
    # A confirmation page: the reference, who decides and by when, what happens next.
    assert response.redirect_chain[-1][0] == reverse("requests:sent", args=[request.pk])
    assert 'class="confirmation-panel"' in content
    assert request.reference in content
    assert "Who decides" in content and "INAO" in content
    assert "What happens next" in content
    assert request.contact_phone == "+33 1 23 45 67 89"
    assert request.due_date.strftime("%Y") in content
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Pending" in profile and "To be decided by INAO" in profile


def test_the_profile_shows_the_submission_time_in_the_persons_time_zone(
    client, applicant, operator, time_machine
):
    import datetime

    time_machine.move_to(datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC), tick=False)
    applicant.time_zone = "America/New_York"
    applicant.save()
    from requests_app.services import request_submit

    request_submit(applicant=applicant, organisation=operator)
    content = login(client, applicant).get(reverse("accounts:profile")).content.decode()
    assert "10 March 2026, 08:00 EDT" in content  # 12:00 UTC is 08:00 in New York in March
    assert "12 March 2026" in content  # due two working days later


def test_the_profile_shows_each_requests_decision_reason_and_history(
    client, applicant, validator_inao, inao
):
    from requests_app.services import request_approve, request_reject, request_submit

    approved = request_submit(
        applicant=applicant, organisation=OperatorFactory(name="Approved Bio")
    )
    request_approve(request=approved, decided_by=validator_inao)
    rejected = request_submit(
        applicant=applicant, organisation=OperatorFactory(name="<b>Rejected</b>")
    )
    request_reject(request=rejected, decided_by=validator_inao, reason="No <EORI> & no contract")
    request_submit(applicant=applicant, organisation=OperatorFactory(name="Pending Bio"))

    content = login(client, applicant).get(reverse("accounts:profile")).content.decode()

    assert "Approved" in content and "Rejected" in content and "Pending" in content
    assert "No &lt;EORI&gt; &amp; no contract" in content  # the reason, escaped
    assert "&lt;b&gt;Rejected&lt;/b&gt;" in content and "<b>Rejected</b>" not in content
    assert content.count("<summary>History</summary>") == 3
    # Each history is read when its row is opened: who decided, and the reason.
    for request in (approved, rejected):
        assert f'data-hx-get="/requests/{request.pk}/history/"' in content
        history = client.get(reverse("requests:history", args=[request.pk])).content.decode()
        assert history.startswith('<ol class="history">') and "by Victor Inao" in history
    assert "No &lt;EORI&gt; &amp; no contract" in history
    # Withdraw (a confirmation page): the pending request only.
    assert content.count(">Withdraw<") == 1
    assert "To be decided by INAO" in content


def test_a_message_longer_than_the_limit_is_refused(client, applicant, operator):
    response = login(client, applicant).post(
        reverse("requests:request_create", args=[operator.pk]),
        {"message": "x" * 1001, "contact_email": applicant.email},
    )
    assert response.status_code == 200
    assert "at most 1000 characters" in response.content.decode()
    assert not AuthorisationRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("message", "Decide\u202e here"), ("contact_phone", "12"), ("contact_phone", "call me")],
)
def test_a_bad_message_or_phone_is_refused_beside_its_field(
    client, applicant, operator, field, value
):
    response = login(client, applicant).post(
        reverse("requests:request_create", args=[operator.pk]),
        {"contact_email": applicant.email, field: value},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AuthorisationRequest.objects.exists()


def test_the_contact_phone_is_read_in_the_organisations_country_and_shown_formatted(
    client, applicant, operator, validator_inao
):
    login(client, applicant).post(
        reverse("requests:request_create", args=[operator.pk]),
        {"contact_email": applicant.email, "contact_phone": "04 78 00 00 00"},
    )
    sent = AuthorisationRequest.objects.get()
    assert sent.contact_phone.as_e164 == "+33478000000"
    content = client.get(reverse("requests:detail", args=[sent.pk])).content.decode()
    assert "+33 4 78 00 00 00" in content and "+33478000000" not in content


def test_a_second_request_is_refused_with_a_clear_message(client, pending_request, applicant):
    response = login(client, applicant).post(
        reverse("requests:request_create", args=[pending_request.organisation_id]),
        {"contact_email": applicant.email},
        follow=True,
    )
    assert "You already have a pending request for Bio Import Lyon." in response.content.decode()
    assert AuthorisationRequest.objects.count() == 1


def test_a_request_for_a_suspended_organisation_is_refused(client, applicant, db):
    operator = OperatorFactory(status="suspended", name="Closed Bio")
    response = login(client, applicant).post(
        reverse("requests:request_create", args=[operator.pk]),
        {"contact_email": applicant.email},
        follow=True,
    )
    assert "Closed Bio is suspended: it does not accept requests." in response.content.decode()
    assert not AuthorisationRequest.objects.exists()


def test_an_unknown_organisation_is_a_404(client, applicant, db):
    response = login(client, applicant).get(reverse("requests:request_create", args=[999999]))
    assert response.status_code == 404


# --- Home, role choice, organisation page ----------------------------------------------------


def test_a_person_without_organisation_or_request_is_asked_to_choose_a_role(client, outsider):
    content = login(client, outsider).get(reverse("home")).content.decode()
    for label, url in [
        ("Operator", reverse("entities:operators")),
        ("Organic control body", reverse("entities:control_bodies")),
        ("Authority", reverse("entities:authorities")),
    ]:
        assert f'href="{url}">{label}</a>' in content


def test_home_shows_a_pending_request_instead_of_the_role_choice(client, pending_request):
    content = login(client, pending_request.applicant).get(reverse("home")).content.decode()
    assert "Choose your role" not in content
    assert "Bio Import Lyon" in content
    assert "Pending" in content


def test_home_shows_the_members_organisations(client, colleague):
    content = login(client, colleague).get(reverse("home")).content.decode()
    assert "My organisations" in content
    assert "Bio Import Lyon" in content
    assert "Choose your role" not in content


def test_the_role_choice_page_is_there_to_request_a_new_role(client, colleague):
    content = login(client, colleague).get(reverse("requests:role_choice")).content.decode()
    assert "Organic control body" in content


def test_the_organisation_page_offers_request_authorisation(client, applicant, operator):
    content = (
        login(client, applicant)
        .get(reverse("entities:organisation", args=[operator.pk]))
        .content.decode()
    )
    assert "Request authorisation" in content
    assert "js/requests.js" in content
    assert reverse("requests:request_create", args=[operator.pk]) in content


def test_the_organisation_page_says_a_request_is_pending(client, pending_request):
    content = (
        login(client, pending_request.applicant)
        .get(reverse("entities:organisation", args=[pending_request.organisation_id]))
        .content.decode()
    )
    assert ">Request authorisation<" not in content
    assert "See your request" in content


# --- Notifications --------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_and_the_list_marks_them_read(client, pending_request):
    applicant = pending_request.applicant
    login(client, applicant)
    content = client.get(reverse("accounts:notifications")).content.decode()
    assert 'class="badge">1<' in content
    assert "Your request to join Bio Import Lyon has been received." in content

    notification = Notification.objects.get(user=applicant)
    client.post(reverse("accounts:notification_read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'class="badge"' not in client.get(reverse("accounts:notifications")).content.decode()


def test_someone_elses_notification_is_a_404(client, pending_request, outsider):
    notification = Notification.objects.get(user=pending_request.applicant)
    response = login(client, outsider).post(
        reverse("accounts:notification_read", args=[notification.pk])
    )
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, pending_request, operator_admin):
    login(client, operator_admin)
    assert Notification.objects.filter(user=operator_admin, read_at__isnull=True).exists()
    client.post(reverse("accounts:notifications_read_all"))
    assert not Notification.objects.filter(user=operator_admin, read_at__isnull=True).exists()


# --- Confirmations -----------------------------------------------------------------------


def test_the_confirmation_page_is_the_applicants_only(client, cast, pending_request):
    url = reverse("requests:sent", args=[pending_request.pk])
    for who, person in cast.items():
        expected = 200 if who == "applicant" else 404
        assert login(client, person).get(url).status_code == expected, who


def test_withdrawing_asks_for_a_confirmation_that_says_what_happens(
    client, applicant, pending_request
):
    url = reverse("requests:withdraw", args=[pending_request.pk])
    page = login(client, applicant).get(url).content.decode()
    assert "Withdraw your request for Bio Import Lyon?" in page
    assert "closed as withdrawn" in page
    pending_request.refresh_from_db()
    assert pending_request.is_pending
    client.post(url)
    pending_request.refresh_from_db()
    assert pending_request.status == RequestStatus.WITHDRAWN


def test_an_administrator_reads_the_message_then_confirms_the_approval(
    client, operator_admin, pending_request
):
    login(client, operator_admin)
    detail = client.get(reverse("requests:detail", args=[pending_request.pk])).content.decode()
    assert "I run the imports." in detail  # the colleague's message, before deciding
    confirm = client.get(reverse("requests:approve", args=[pending_request.pk])).content.decode()
    assert "Approve the request of Anne Applicant to join Bio Import Lyon?" in confirm
    assert "I run the imports." in confirm and "will become a member" in confirm
    pending_request.refresh_from_db()
    assert pending_request.is_pending
    client.post(reverse("requests:approve", args=[pending_request.pk]))
    pending_request.refresh_from_db()
    assert pending_request.status == RequestStatus.APPROVED


def test_a_rejection_shows_its_reason_for_confirmation_before_it_is_sent(
    client, operator_admin, pending_request
):
    login(client, operator_admin)
    url = reverse("requests:reject", args=[pending_request.pk])
    confirm = client.post(url, {"reason": "Not <one> of us"})
    assert confirm.status_code == 200
    assert "Not &lt;one&gt; of us" in confirm.content.decode()
    assert 'name="confirmed" value="yes"' in confirm.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.is_pending
    client.post(url, {"reason": "Not <one> of us", "confirmed": "yes"})
    pending_request.refresh_from_db()
    assert (pending_request.status, pending_request.reason) == ("rejected", "Not <one> of us")


def test_an_administrator_reads_the_colleagues_message_before_confirming_a_rejection(
    client, operator_admin, pending_request
):
    """Issue 13, item 4: both decisions of an operator administrator show the
    colleague's message on the page that asks to confirm."""
    login(client, operator_admin)
    url = reverse("requests:reject", args=[pending_request.pk])
    confirm = client.post(url, {"reason": "Not one of us"}).content.decode()
    assert "Reject the request of Anne Applicant to join Bio Import Lyon?" in confirm
    assert "Their message" in confirm and "I run the imports." in confirm
    pending_request.refresh_from_db()
    assert pending_request.is_pending
