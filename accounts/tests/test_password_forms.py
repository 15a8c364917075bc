"""Forms that password managers and browsers fill well: autocomplete, the account's
user name beside a new password, and "Show password"."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail

from accounts.tests.conftest import NEW_PASSWORD, PASSWORD, link_in, path_of

pytestmark = pytest.mark.django_db


class Inputs(HTMLParser):
    """Every <input> and <button> of a page, with its attributes."""

    def __init__(self, html):
        super().__init__()
        self.inputs, self.buttons = {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs
        if tag == "button":
            self.buttons.append(attrs)


def inputs(client, url) -> dict:
    return Inputs(client.get(url, follow=True).content.decode()).inputs


def reset_link(client, email) -> str:
    client.post("/accounts/password/reset/", {"email": email})
    response = client.get(path_of(link_in(mail.outbox[-1])), follow=True)
    return response.redirect_chain[-1][0]


def test_sign_up_says_which_name_and_address_each_field_holds(client):
    fields = inputs(client, "/accounts/signup/")
    assert fields["first_name"]["autocomplete"] == "given-name"
    assert fields["last_name"]["autocomplete"] == "family-name"
    assert fields["email"]["autocomplete"] == fields["email2"]["autocomplete"] == "email"


def test_the_profile_says_which_name_each_field_holds(client, applicant):
    client.force_login(applicant)
    fields = inputs(client, "/profile/")
    assert fields["first_name"]["autocomplete"] == "given-name"
    assert fields["last_name"]["autocomplete"] == "family-name"


def test_log_in_and_reauthentication_ask_for_the_current_password(client, applicant):
    fields = inputs(client, "/accounts/login/")
    assert fields["login"]["autocomplete"] == "username"
    assert fields["password"]["autocomplete"] == "current-password"
    client.force_login(applicant)
    assert inputs(client, "/accounts/reauthenticate/")["password"]["autocomplete"] == (
        "current-password"
    )


def test_changing_the_password_asks_for_the_current_one_and_a_new_one(client, applicant):
    client.force_login(applicant)
    fields = inputs(client, "/accounts/password/change/")
    assert fields["oldpassword"]["autocomplete"] == "current-password"
    assert (
        fields["password1"]["autocomplete"]
        == fields["password2"]["autocomplete"]
        == ("new-password")
    )


@pytest.mark.parametrize("page", ["change", "reset from key", "set"])
def test_every_form_that_sets_a_password_carries_the_persons_address_for_password_managers(
    client, applicant, page
):
    if page == "change":
        client.force_login(applicant)
        url = "/accounts/password/change/"
    elif page == "set":
        applicant.set_unusable_password()
        applicant.save()
        client.force_login(applicant)
        url = "/accounts/password/set/"
    else:
        url = reset_link(client, applicant.email)
    html = client.get(url).content.decode()
    username = Inputs(html).inputs["username"]
    assert username["value"] == "marie.curie@example.eu"
    assert username["autocomplete"] == "username"
    assert username["tabindex"] == "-1"  # never reached with Tab
    assert username["type"] == "email"
    # Hidden from sight and from screen readers, labelled all the same.
    box = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)
    assert box and 'name="username"' in box.group(1)
    assert '<label for="id_username_for_password_managers">E-mail</label>' in box.group(1)
    # It comes before the new password, inside the same form.
    form = re.search(r"<form method=\"post\"[^>]*class=\"card\".*?</form>", html, re.S).group(0)
    assert form.index('name="username"') < form.index('name="password1"')


def test_the_hidden_address_changes_nothing_when_it_is_tampered_with(client, applicant, outsider):
    client.force_login(applicant)
    client.post(
        "/accounts/password/change/",
        {
            "username": outsider.email,
            "oldpassword": PASSWORD,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    applicant.refresh_from_db()
    outsider.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)
    assert outsider.check_password(PASSWORD)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_password_field_has_a_show_password_button_that_waits_for_javascript(
    client, applicant, language
):
    client.force_login(applicant)
    applicant.interface_language = language
    applicant.save()
    html = client.get("/accounts/password/change/").content.decode()
    buttons = [b for b in Inputs(html).buttons if "data-show-password" in b]
    assert [b["data-show-password"] for b in buttons] == [
        "id_oldpassword",
        "id_password1",
        "id_password2",
    ]
    for button in buttons:
        assert button["type"] == "button"  # never submits the form
        assert "hidden" in button  # without JavaScript there is nothing to press
    words = {
        "en": (">Show password</button>", 'data-hide-text="Hide password"'),
        "fr": (">Afficher le mot de passe</button>", 'data-hide-text="Masquer le mot de passe"'),
    }[language]
    for text in words:
        assert text in html


def test_the_log_in_page_has_a_show_password_button_too(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'data-show-password="id_password"' in html


def test_the_forgot_password_form_says_e_mail_and_what_to_type(client):
    html = client.get("/accounts/password/reset/").content.decode()
    assert '<label for="id_email">E-mail</label>' in html
    assert 'autocomplete="email"' in html
    html = client.post("/accounts/password/reset/", {}).content.decode()
    assert "Enter your e-mail address" in html
    assert "This field is required" not in html


def test_the_change_password_form_says_what_to_type(client, applicant):
    client.force_login(applicant)
    html = client.post("/accounts/password/change/", {}).content.decode()
    for words in (
        "Enter your current password",
        "Enter a new password",
        "Enter the new password again",
    ):
        assert words in html
    assert "This field is required" not in html
    html = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not it at all", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ).content.decode()
    assert "Your current password is not right: type it again" in html


def test_a_wrong_password_at_log_in_says_e_mail(client, applicant):
    html = client.post(
        "/accounts/login/", {"login": applicant.email, "password": "not the password"}
    ).content.decode()
    assert "The e-mail address or the password is not right: check both and try again" in html


def test_the_password_policy_lists_only_the_rules_that_apply(client, applicant, settings):
    client.force_login(applicant)
    settings.PASSWORD_BREACH_CHECK = False
    html = client.get("/accounts/password/change/").content.decode()
    assert "at least 12 characters" in html
    assert "<li></li>" not in html
    assert "data breach" not in html
    settings.PASSWORD_BREACH_CHECK = True
    assert "data breach" in client.get("/accounts/password/change/").content.decode()
