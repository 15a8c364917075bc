import pytest
from django.core import mail

from accounts.tests.conftest import PASSWORD, activate_totp, totp_code
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, email, password=PASSWORD, **kwargs):
    return client.post("/accounts/login/", {"login": email, "password": password}, **kwargs)


def test_the_login_page_has_the_labels_of_the_interface_contract(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_login">E-mail</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert ">Log in</button>" in html
    assert 'href="/accounts/password/reset/"' in html


def test_a_person_logs_in_with_email_and_password_and_lands_on_home(client, applicant):
    response = log_in(client, "Marie.Curie@example.eu", follow=True)
    assert response.redirect_chain[-1][0] == "/home/"
    assert response.wsgi_request.user == applicant


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, applicant):
    wrong_password = log_in(client, "marie.curie@example.eu", "not the password at all")
    unknown = log_in(client, "nobody@example.eu", "not the password at all")
    assert wrong_password.status_code == unknown.status_code == 200
    assert wrong_password.context["form"].errors == unknown.context["form"].errors
    assert not wrong_password.wsgi_request.user.is_authenticated


def test_an_over_long_or_malformed_login_gets_a_message_not_an_error(client):
    for login in ("a" * 300 + "@example.eu", "not an address\x00"):
        response = log_in(client, login)
        assert response.status_code == 200
        assert "login" in response.context["form"].errors


def test_failed_logins_are_rate_limited(client, applicant):
    for _attempt in range(5):
        response = log_in(client, "marie.curie@example.eu", "wrong password, again")
        assert "Too many failed login attempts" not in response.content.decode()
    response = log_in(client, "marie.curie@example.eu", PASSWORD)
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in response.content.decode()


def test_the_rate_limit_answers_the_same_for_an_unknown_address(client):
    for _attempt in range(5):
        log_in(client, "nobody@example.eu", "wrong password, again")
    response = log_in(client, "nobody@example.eu", "wrong password, again")
    assert "Too many failed login attempts" in response.content.decode()


def test_someone_who_never_set_a_password_cannot_log_in(client):
    UserFactory(email="new@example.eu", password=None)
    user = UserFactory(email="pending@example.eu", verified=False)
    user.set_unusable_password()
    user.save()
    response = log_in(client, "pending@example.eu", "")
    assert not response.wsgi_request.user.is_authenticated


def test_a_person_with_an_authenticator_app_is_asked_for_the_code(client, applicant):
    secret = activate_totp(applicant)
    response = log_in(client, "marie.curie@example.eu", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/2fa/authenticate/"
    assert not response.wsgi_request.user.is_authenticated
    html = response.content.decode()
    assert '<label for="id_code">Code</label>' in html

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "code" in wrong.context["form"].errors

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}, follow=True)
    assert response.redirect_chain[-1][0] == "/home/"
    assert response.wsgi_request.user == applicant


def test_a_recovery_code_also_works_as_second_factor(client, applicant):
    from allauth.mfa.models import Authenticator

    activate_totp(applicant)
    code = Authenticator.objects.get(type="recovery_codes").wrap().get_unused_codes()[0]
    log_in(client, "marie.curie@example.eu")
    response = client.post("/accounts/2fa/authenticate/", {"code": code}, follow=True)
    assert response.wsgi_request.user == applicant


def test_logging_out_needs_a_post(client, applicant):
    client.force_login(applicant)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200  # a confirmation page, still logged in
    assert ">Log out</button>" in response.content.decode()
    assert client.get("/home/").status_code == 200
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert client.get("/home/").status_code == 302


def test_every_page_offers_log_out_as_a_form(client, applicant):
    client.force_login(applicant)
    html = client.get("/profile/").content.decode()
    assert 'action="/accounts/logout/" method="post"' in html


def test_no_mail_is_sent_by_a_failed_login(client, applicant):
    log_in(client, "marie.curie@example.eu", "wrong password, again")
    log_in(client, "nobody@example.eu", "wrong password, again")
    assert mail.outbox == []
