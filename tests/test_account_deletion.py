"""Delete my account: re-authentication, a page that says what happens, refusals with a reason,
pending requests withdrawn, a pseudonym in the histories, sessions ended, a last e-mail,
and nothing else of the person left in any table that points at them."""

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core import mail
from django.db import models
from django.test import Client

from accounts.models import Notification, User
from accounts.services import AccountDeletionRefused, account_delete
from accounts.tests.factories import PASSWORD, UserFactory
from entities.models import Membership, OrganisationAction, OrganisationEvent
from entities.tests.factories import MembershipFactory, OperatorFactory
from requests_app.models import AuthorisationRequest, RequestEvent
from requests_app.services import request_approve, request_submit

pytestmark = pytest.mark.django_db

ANNE = ("Anne", "Applicant", "anne@example.eu")


def logged_in(user) -> Client:
    client = Client(HTTP_USER_AGENT="Firefox/133.0")
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    # Deleting asks for the password again (allauth's re-authentication, 5 minutes).
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def anne_everywhere(applicant, operator, operator_admin, validator_inao):
    """Anne in every table the portal has: requests (one pending, one decided), a
    membership, notifications, an operator she created (her sessions and second factor
    come with each test's log-in: a second factor first would ask for its code)."""
    other = OperatorFactory(name="Lentilles du Puy")
    MembershipFactory(organisation=other, is_admin=True)  # so Anne joins as a plain member
    decided = request_submit(
        applicant=applicant,
        organisation=other,
        message="Anne Applicant, buyer; call me on anne@example.eu",
        contact_email="anne.work@example.eu",
        contact_phone="+33 6 12 34 56 78",
    )
    request_approve(request=decided, decided_by=validator_inao)
    pending = request_submit(
        applicant=applicant,
        organisation=operator,
        message="Please let me in",
        contact_email="anne.work@example.eu",
    )
    # An organisation's own name and details are the organisation's, and stay.
    created = OperatorFactory(name="Lentil Imports", created_by=applicant)
    return {"decided": decided, "pending": pending, "created": created, "other": other}


def test_the_profile_links_to_the_page(client, applicant):
    client.force_login(applicant)
    html = client.get("/profile/").content.decode()
    assert 'href="/profile/delete/">Delete my account</a>' in html


def test_the_page_asks_for_the_password_again_first(client, applicant):
    client.force_login(applicant)  # no recent authentication recorded
    response = client.get("/profile/delete/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_the_page_says_what_happens_and_offers_the_download(applicant):
    client = logged_in(applicant)
    html = client.get("/profile/delete/").content.decode()
    assert "<h1>Delete my account</h1>" in html
    assert "cannot be undone" in html
    assert "pending requests are withdrawn" in html
    assert "pseudonym" in html
    assert 'href="/profile/my-data/">Download my data</a>' in html
    assert 'class="button-danger">Delete my account</button>' in html


def test_deleting_needs_a_post_with_the_csrf_token(applicant):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(applicant)
    assert strict.post("/profile/delete/").status_code == 403
    assert User.objects.get(pk=applicant.pk).pseudonym == ""


def test_the_last_administrator_is_refused_with_the_reason(operator_admin, operator):
    client = logged_in(operator_admin)
    html = client.get("/profile/delete/").content.decode()
    assert "You are the last administrator of Bio Import Lyon" in html
    assert "Delete my account</button>" not in html
    response = client.post("/profile/delete/")
    assert response.status_code == 409
    assert User.objects.get(pk=operator_admin.pk).pseudonym == ""


def test_an_administrator_with_a_fellow_administrator_may_go(operator_admin, operator):
    MembershipFactory(user=UserFactory(), organisation=operator, is_admin=True)
    client = logged_in(operator_admin)
    assert client.post("/profile/delete/").status_code == 302
    assert User.objects.get(pk=operator_admin.pk).is_deleted


def test_a_validator_is_refused_with_the_reason(validator_inao):
    client = logged_in(validator_inao)
    html = client.get("/profile/delete/").content.decode()
    assert "You are a validator of INAO" in html
    with pytest.raises(AccountDeletionRefused):
        account_delete(user=validator_inao)


def test_staff_are_refused_too(db):
    staff = UserFactory(is_staff=True)
    with pytest.raises(AccountDeletionRefused) as refused:
        account_delete(user=staff)
    assert "staff access" in refused.value.reasons[0]


def test_deleting_withdraws_keeps_the_history_and_ends_everything(anne_everywhere, applicant):
    laptop = logged_in(applicant)
    phone = logged_in(applicant)
    Authenticator.objects.create(user=applicant, type=Authenticator.Type.TOTP, data={"secret": "x"})
    mail.outbox.clear()
    response = laptop.post("/profile/delete/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Your account has been deleted" in laptop.get("/").content.decode()

    anne = User.objects.get(pk=applicant.pk)
    assert anne.is_deleted and not anne.is_active
    assert str(anne) == f"Deleted user {anne.pseudonym}"
    # Pending withdrawn, by the pseudonym; the decided request and its history stay.
    pending = AuthorisationRequest.objects.get(pk=anne_everywhere["pending"].pk)
    assert pending.status == "withdrawn"
    assert [str(e.actor) for e in pending.events.all()] == [str(anne), str(anne)]
    decided = AuthorisationRequest.objects.get(pk=anne_everywhere["decided"].pk)
    assert decided.status == "approved" and decided.message == "" and decided.contact_email == ""
    assert RequestEvent.objects.filter(request=decided).count() == 2
    # She left the organisation her approval made her a member of; its history says so.
    assert not Membership.objects.filter(user=anne).exists()
    assert OrganisationEvent.objects.filter(
        organisation=anne_everywhere["other"], action=OrganisationAction.MEMBER_LEFT, subject=anne
    ).exists()
    # Every session is over, the second factor and notifications gone.
    assert phone.get("/profile/").status_code == 302
    assert not Authenticator.objects.filter(user=anne).exists()
    assert not Notification.objects.filter(user=anne).exists()
    # The last e-mail, to the address she had.
    [last] = [m for m in mail.outbox if "deleted" in m.subject]
    assert last.to == ["anne@example.eu"]
    assert "Hello Anne," in last.body
    # Log-in refused.
    assert (
        Client().post("/accounts/login/", {"login": "anne@example.eu", "password": PASSWORD})
    ).status_code == 200


def test_the_validators_view_of_the_history_shows_the_pseudonym(
    client, anne_everywhere, applicant, validator_inao
):
    account_delete(user=applicant)
    anne = User.objects.get(pk=applicant.pk)
    client.force_login(validator_inao)
    decided = anne_everywhere["decided"]
    html = client.get(f"/admin/requests_app/authorisationrequest/{decided.pk}/change/").content
    html = html.decode()
    assert f"Deleted user {anne.pseudonym}" in html
    assert "Anne" not in html and "anne@example.eu" not in html


def test_the_same_address_can_sign_up_again(anne_everywhere, applicant):
    account_delete(user=applicant)
    UserFactory(email="anne@example.eu")


def _personal_values(user_row) -> set[str]:
    return {value for value in user_row if value}


def _text_fields(model):
    return [
        f
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def test_no_table_pointing_at_the_person_keeps_their_personal_data(anne_everywhere, applicant):
    """Walk every model with a foreign key (or one-to-one) to the user: none of its
    rows about the person may still hold their name, e-mail, message or phone."""
    laptop = logged_in(applicant)
    laptop.get("/profile/")
    Authenticator.objects.create(user=applicant, type=Authenticator.Type.TOTP, data={"secret": "x"})
    secrets_of_anne = {
        *ANNE,
        "anne.work@example.eu",
        "+33612345678",
        "Please let me in",
        "call me on",
    }
    account_delete(user=applicant)
    anne = User.objects.get(pk=applicant.pk)

    checked = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (
                (field.many_to_one or field.one_to_one)
                and field.concrete
                and field.related_model is User
            ):
                continue
            rows = model._default_manager.filter(**{field.name: anne})
            checked.append(f"{model._meta.label}.{field.name}")
            for row in rows:
                for text_field in _text_fields(model):
                    value = str(getattr(row, text_field.attname))
                    for secret in secrets_of_anne:
                        assert secret not in value, (
                            f"{model._meta.label}.{text_field.name} (row {row.pk}, "
                            f"via {field.name}) still holds {secret!r}"
                        )
    # The walk met the tables the story filled: requests, histories, memberships...
    for label in [
        "requests_app.AuthorisationRequest.applicant",
        "requests_app.RequestEvent.actor",
        "entities.Membership.user",
        "entities.OrganisationEvent.subject",
        "accounts.Notification.user",
        "mfa.Authenticator.user",
        "usersessions.UserSession.user",
        "account.EmailAddress.user",
    ]:
        assert label in checked
    # And the person's own row keeps none of it either.
    for text_field in _text_fields(User):
        value = str(getattr(anne, text_field.attname))
        for secret in secrets_of_anne:
            assert secret not in value, f"User.{text_field.name} still holds {secret!r}"
    assert not anne.has_usable_password()
    assert anne.groups.count() == 0 and anne.user_permissions.count() == 0


def test_the_requests_search_no_longer_finds_the_name(anne_everywhere, applicant):
    account_delete(user=applicant)
    for req in AuthorisationRequest.objects.filter(applicant=applicant):
        assert "anne" not in req.search_text.split()
        assert "applicant" not in req.search_text.split()


def test_deleting_twice_is_harmless(anne_everywhere, applicant):
    first = account_delete(user=applicant)
    again = account_delete(user=first)
    assert again.pseudonym == first.pseudonym


def test_the_page_in_french(applicant):
    applicant.interface_language = "fr"
    applicant.save()
    client = logged_in(applicant)
    html = client.get("/profile/delete/").content.decode()
    assert "<h1>Supprimer mon compte</h1>" in html
    html = client.get("/profile/").content.decode()
    assert ">Supprimer mon compte</a>" in html
    assert ">Télécharger mes données</a>" in html


def test_the_reauthentication_lasts_five_minutes(applicant):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        client = logged_in(applicant)
        assert client.get("/profile/delete/").status_code == 200
        clock.shift(6 * 60)
        response = client.post("/profile/delete/")
        assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not User.objects.get(pk=applicant.pk).is_deleted


def test_the_copies_of_e_mails_already_delivered_to_the_person_go_too(anne_everywhere, applicant):
    """The task queue keeps each delivered e-mail (its table has no key to the person)."""
    from django.tasks import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    def queued(to, status):
        return DBTaskResult.objects.create(
            task_path="accounts.tasks.deliver_email",
            args_kwargs={"args": [], "kwargs": {"message": {"to": [to], "body": "Hello Anne,"}}},
            backend_name="default",
            run_after=timezone.now(),
            status=status,
        )

    delivered = queued("anne@example.eu", TaskResultStatus.SUCCESSFUL)
    waiting = queued("anne@example.eu", TaskResultStatus.READY)
    someone_else = queued("oscar@example.eu", TaskResultStatus.SUCCESSFUL)
    account_delete(user=applicant)
    assert not DBTaskResult.objects.filter(pk=delivered.pk).exists()
    assert DBTaskResult.objects.filter(pk=waiting.pk).exists()
    assert DBTaskResult.objects.filter(pk=someone_else.pk).exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/profile/delete/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post("/profile/delete/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
