import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from accounts.tests.conftest import link_in, signup_data

pytestmark = pytest.mark.django_db


def test_the_signup_page_shows_the_fields_of_the_interface_contract(client):
    response = client.get("/accounts/signup/")
    html = response.content.decode()
    for label, field_id in [
        ("First name", "id_first_name"),
        ("Last name", "id_last_name"),
        ("E-mail", "id_email"),
        ("Confirm e-mail", "id_email2"),
        ("E-mail language", "id_email_language"),
        ("Code", "id_captcha_1"),
    ]:
        assert f'<label for="{field_id}">{label}</label>' in html, label
    assert ">Create an account</button>" in html
    assert 'name="password1"' not in html


def test_it_creates_an_account_without_password_and_says_to_check_the_mailbox(client):
    response = client.post("/accounts/signup/", signup_data(), follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert "Check your mailbox" in response.content.decode()
    user = User.objects.get(email="ada.lovelace@example.eu")
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not user.has_usable_password()
    assert not EmailAddress.objects.get(user=user).verified
    assert not response.wsgi_request.user.is_authenticated


def test_it_emails_a_link_to_set_the_password_that_says_it_expires_after_90_minutes(client):
    client.post("/accounts/signup/", signup_data())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada.lovelace@example.eu"]
    assert message.subject == "[TRACES] Set the password of your TRACES account"
    assert "works once and expires after 90 minutes" in message.body
    assert link_in(message).startswith("http://testserver/accounts/password/reset/key/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "expires after 90 minutes" in html


def test_it_stores_the_email_language_and_the_interface_language(client):
    client.post("/accounts/signup/", signup_data(email_language="fr"), HTTP_ACCEPT_LANGUAGE="en")
    user = User.objects.get()
    assert user.email_language == "fr"
    assert user.interface_language == "en"


def test_mismatched_emails_are_refused_beside_the_confirmation_field(client):
    response = client.post("/accounts/signup/", signup_data(email2="ada@example.eu"))
    assert response.status_code == 200
    assert response.context["form"].errors["email2"] == [
        "The two e-mail addresses are not the same."
    ]
    assert not User.objects.exists()
    assert mail.outbox == []


def test_emails_that_differ_only_in_case_match(client):
    client.post("/accounts/signup/", signup_data(email2="Ada.LOVELACE@example.EU"))
    assert User.objects.get().email == "ada.lovelace@example.eu"


def test_a_wrong_code_is_refused_beside_the_code_field(client):
    response = client.post("/accounts/signup/", signup_data(captcha_1="WRONG"))
    assert response.status_code == 200
    assert "captcha" in response.context["form"].errors
    assert 'id="id_captcha_error"' in response.content.decode()
    assert not User.objects.exists()


def test_the_privacy_statement_must_be_accepted(client):
    data = signup_data()
    del data["accept_privacy"]
    response = client.post("/accounts/signup/", data)
    assert "accept_privacy" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "A" * 101),
        ("last_name", "B" * 101),
        ("first_name", "Ada\x00"),
        ("last_name", "Love\x1blace"),
        ("last_name", "Lovelace\u202e"),  # a right-to-left override: one rule for every name
        ("first_name", "A\u200bda"),
        ("email_language", "xx"),
    ],
)
def test_bad_values_get_a_message_beside_their_field_never_a_500(client, field, value):
    response = client.post("/accounts/signup/", signup_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()


def test_an_over_long_email_is_refused_before_the_database(client):
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "eu"  # 250 < length <= 320
    email = "x" * (255 - len(email)) + email
    response = client.post("/accounts/signup/", signup_data(email=email, email2=email))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()


def test_an_existing_address_gets_the_same_page_and_its_owner_an_email(client, applicant):
    data = signup_data(email="Marie.Curie@example.eu", email2="marie.curie@example.eu")
    existing = client.post("/accounts/signup/", data, follow=True)
    new = client.post("/accounts/signup/", signup_data(), follow=True)

    assert existing.redirect_chain == new.redirect_chain
    assert existing.status_code == new.status_code == 200
    assert User.objects.filter(email__iexact="marie.curie@example.eu").count() == 1
    owner_mail, new_mail = mail.outbox
    assert owner_mail.to == ["marie.curie@example.eu"]
    assert owner_mail.subject == "[TRACES] You already have a TRACES account"
    assert "Hello Marie" in owner_mail.body
    assert new_mail.subject == "[TRACES] Set the password of your TRACES account"


def test_the_signup_page_is_in_french_when_the_interface_is(client):
    client.post("/language/", {"language": "fr", "next": "/"})
    html = client.get("/accounts/signup/").content.decode()
    assert "Créer un compte" in html
    assert "Prénom" in html


def test_the_test_code_is_refused_when_the_test_mode_is_off(client, monkeypatch):
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", False)
    response = client.post("/accounts/signup/", signup_data())
    assert "captcha" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize(("interface", "expected"), [("en", "en"), ("fr", "fr")])
def test_the_email_language_starts_as_the_interface_language(client, interface, expected):
    client.post("/language/", {"language": interface, "next": "/"})
    form = client.get("/accounts/signup/").context["form"]
    assert form["email_language"].value() == expected
