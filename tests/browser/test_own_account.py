"""A person manages their own account without the helpdesk (issue 16), in a real Chromium:
change the e-mail (both e-mails read), end another session, register a passkey with a
virtual authenticator and log in with it, download the data, delete the account.
axe and the Nu checker read every new page (audit)."""

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import PASSWORD as FACTORY_PASSWORD
from requests_app.services import request_reject, request_submit
from tests.browser.conftest import emails_to, link_in_last_email
from tests.browser.portal import EN, FR, Person, Validator, exactly, label

NEW_EMAIL = "anne.new@example.eu"


@pytest.fixture
def decided_request(applicant, operator, colleague, validator_inao):
    """Anne asked to join Bio Import Lyon; Victor of INAO refused."""
    req = request_submit(applicant=applicant, organisation=operator, message="I run the imports.")
    return request_reject(request=req, decided_by=validator_inao, reason="No contract with us")


def add_virtual_authenticator(page):
    """Chromium's virtual authenticator (DevTools protocol): a platform passkey that
    verifies its user, as a phone's fingerprint reader would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def confirm_it_is_me_if_asked(page):
    if "/reauthenticate/" in page.url:
        page.get_by_label(label("Password")).fill(FACTORY_PASSWORD)
        page.get_by_role("button", name=exactly("Confirm")).click()


def test_a_person_manages_their_own_account_from_e_mail_to_deletion(
    new_page, settings, applicant, validator_inao, decided_request, audit
):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server speaks http
    anne = Person(new_page(), EN, applicant.email, first_name="Anne", check=audit)
    page = anne.page
    anne.log_in(password=FACTORY_PASSWORD)

    # The trust pages, from every page's footer.
    page.get_by_role("contentinfo").get_by_role("link", name=exactly("Privacy statement")).click()
    anne.visit("privacy-statement")
    page.get_by_role("contentinfo").get_by_role("link", name=exactly("Accessibility")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    anne.visit("accessibility-statement")

    # --- Change e-mail: a link to the new address; the old one is told ------------------
    anne.open_profile()
    anne.visit("profile")
    page.get_by_role("link", name=exactly("Change e-mail")).click()
    confirm_it_is_me_if_asked(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change e-mail")
    anne.visit("change-e-mail")
    page.get_by_label(label("New e-mail")).fill(NEW_EMAIL)
    page.get_by_role("button", name=exactly("Change e-mail")).click()
    # The password again (allauth's re-authentication), and the change goes on.
    anne.visit("confirm-it-is-you")
    confirm_it_is_me_if_asked(page)
    expect(page.get_by_text("Not confirmed")).to_be_visible()
    anne.visit("change-e-mail-pending")
    [link_mail] = emails_to(mail.outbox, NEW_EMAIL)
    assert "90 minutes" in link_mail.body
    page.goto(link_in_last_email(mail.outbox, NEW_EMAIL))
    anne.visit("confirm-new-e-mail")
    page.get_by_role("button", name=exactly("Confirm")).click()
    expect(page.locator(".profile-email")).to_have_text(NEW_EMAIL)
    [told] = emails_to(mail.outbox, "anne@example.eu")[-1:]
    assert "changed from anne@example.eu to anne.new@example.eu" in told.body
    anne.email = NEW_EMAIL

    # --- Sessions: end the one on the phone; its cookie no longer opens anything --------
    phone = Person(new_page(), EN, NEW_EMAIL, first_name="Anne")
    phone.log_in(password=FACTORY_PASSWORD)
    page.reload()
    sessions = page.locator("tr.session")
    expect(sessions).to_have_count(2)
    anne.visit("profile-two-sessions")
    page.get_by_role("button", name=re.compile(r"^End this session")).click()
    expect(page.get_by_text("has ended")).to_be_visible()
    expect(sessions).to_have_count(1)
    phone.page.goto("/profile/")
    expect(phone.page).to_have_url(re.compile(r"/accounts/login/"))

    # --- A passkey, registered with Chromium's virtual authenticator --------------------
    add_virtual_authenticator(page)
    page.get_by_role("link", name=re.compile(r"^Second factor")).click()
    anne.visit("second-factor")
    page.get_by_role("link", name=exactly("Add a passkey or security key")).first.click()
    confirm_it_is_me_if_asked(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey or security key")
    anne.visit("add-passkey")
    page.get_by_label(label("Name of the key")).fill("My laptop")
    page.get_by_label("Use it as a passkey, to log in without a password").check()
    page.get_by_role("button", name=exactly("Add the key")).click()
    # The first key comes with recovery codes, shown once.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    page.goto("/accounts/2fa/webauthn/")
    expect(page.get_by_role("cell", name="My laptop", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Passkey", exact=True)).to_be_visible()
    anne.visit("passkeys")
    page.get_by_role("link", name="Rename My laptop").click()
    anne.visit("rename-passkey")
    page.get_by_label(label("Name of the key")).fill("Laptop passkey")
    page.get_by_role("button", name=exactly("Save")).click()
    expect(page.get_by_role("cell", name="Laptop passkey", exact=True)).to_be_visible()
    page.get_by_role("link", name="Remove Laptop passkey").click()
    anne.visit("remove-passkey")
    page.get_by_role("link", name=exactly("Cancel")).click()
    expect(page.get_by_role("cell", name="Laptop passkey", exact=True)).to_be_visible()

    # Log out, then in with the passkey alone.
    page.get_by_role("button", name=exactly("Log out")).click()
    page.goto("/accounts/login/")
    anne.visit("log-in-with-passkey")
    page.get_by_role("button", name=exactly("Log in with a passkey")).click()
    expect(page.get_by_role("link", name=exactly("My profile"))).to_be_visible()

    # --- Download my data: the request and its history are in it -----------------------
    anne.open_profile()
    with page.expect_download() as downloaded:
        page.get_by_role("link", name=exactly("Download my data")).click()
    data = json.loads(Path(downloaded.value.path()).read_text(encoding="utf-8"))
    assert data["identity"]["email"] == NEW_EMAIL
    [req] = data["requests"]
    assert req["reference"] == decided_request.reference
    assert [(e["what"], e["by"]) for e in req["history"]] == [
        ("submitted", "Anne Applicant"),
        ("rejected", "Victor Inao"),
    ]
    assert [f["type"] for f in data["security"]["second_factors"]].count("webauthn") == 1

    # --- Delete my account: a page that says what happens, then the deed -----------------
    page.get_by_role("link", name=exactly("Delete my account")).click()
    # Confirm it is me with the passkey this time, not the password.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_role("link", name=exactly("Use a passkey or security key instead")).click()
    anne.visit("confirm-it-is-you-with-a-passkey")
    page.get_by_role("button", name=exactly("Use a passkey or security key")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete my account")
    anne.visit("delete-my-account")
    page.get_by_role("button", name=exactly("Delete my account")).click()
    expect(page.get_by_text("Your account has been deleted")).to_be_visible()
    assert any("deleted" in m.subject for m in emails_to(mail.outbox, NEW_EMAIL))

    # Log-in refused afterwards, with the password...
    page.goto("/accounts/login/")
    page.get_by_label(label("E-mail")).fill(NEW_EMAIL)
    page.get_by_label(label("Password")).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name=exactly("Log in")).click()
    expect(page.get_by_role("link", name=exactly("My profile"))).to_have_count(0)
    expect(page.locator(".error-summary")).to_be_visible()

    # ...and the validator's history shows the pseudonym, not Anne.
    pseudonym = User.objects.get(pk=applicant.pk).get_full_name()
    assert pseudonym.startswith("Deleted user ")
    victor = Validator(new_page(), EN, validator_inao.email, FACTORY_PASSWORD)
    victor.log_in()
    victor.page.goto(f"/admin/requests_app/authorisationrequest/{decided_request.pk}/change/")
    expect(victor.page.get_by_text(pseudonym).first).to_be_visible()
    assert "Anne" not in victor.page.content()


def test_a_security_key_as_the_second_factor_after_the_password(
    new_page, settings, applicant, audit
):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    anne = Person(new_page(), EN, applicant.email, first_name="Anne", check=audit)
    page = anne.page
    anne.log_in(password=FACTORY_PASSWORD)
    add_virtual_authenticator(page)
    page.goto("/accounts/2fa/webauthn/add/")
    confirm_it_is_me_if_asked(page)
    page.get_by_label(label("Name of the key")).fill("Blue key")
    page.get_by_role("button", name=exactly("Add the key")).click()  # not a passkey: a key
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    page.goto("/accounts/2fa/webauthn/")
    expect(page.get_by_role("cell", name="Security key", exact=True)).to_be_visible()

    # The password, then the key instead of an app's code.
    page.get_by_role("button", name=exactly("Log out")).click()
    page.goto("/accounts/login/")
    page.get_by_label(label("E-mail")).fill(applicant.email)
    page.get_by_label(label("Password")).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name=exactly("Log in")).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    anne.visit("second-factor-with-a-key")
    page.get_by_role("button", name=exactly("Use a passkey or security key")).click()
    expect(page.get_by_role("link", name=exactly("My profile"))).to_be_visible()

    # allauth's own page of sessions, in the portal's words; a link that no longer works.
    page.goto("/accounts/sessions/")
    expect(page.locator("tr.session")).to_have_count(1)
    anne.visit("sessions")
    page.goto("/accounts/confirm-email/not-a-real-key/")
    expect(page.get_by_role("link", name=exactly("Change e-mail")).first).to_be_visible()
    anne.visit("e-mail-link-expired")


def test_the_last_administrator_is_told_why_the_account_stays(
    new_page, operator_admin, operator, audit
):
    olivia = Person(new_page(), EN, operator_admin.email, first_name="Olivia", check=audit)
    olivia.log_in(password=FACTORY_PASSWORD)
    olivia.page.goto("/profile/delete/")
    confirm_it_is_me_if_asked(olivia.page)
    expect(olivia.page.get_by_role("alert")).to_contain_text(
        "You are the last administrator of Bio Import Lyon"
    )
    expect(olivia.page.get_by_role("button", name=exactly("Delete my account"))).to_have_count(0)
    olivia.visit("delete-my-account-refused")


def test_the_profile_with_its_sessions_and_data_on_a_phone_in_french(new_page, applicant, audit):
    from tests.browser.conftest import PHONE
    from tests.browser.test_phone import NO_SIDEWAYS_SCROLL

    applicant.interface_language = "fr"
    applicant.save()
    Person(new_page(locale="fr"), FR, applicant.email).log_in(password=FACTORY_PASSWORD)  # a laptop
    page = new_page(locale="fr", viewport=PHONE)
    page.goto("/accounts/login/")
    page.get_by_label(label("Courriel")).fill(applicant.email)
    page.get_by_label(label("Mot de passe")).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name=exactly("Se connecter")).click()
    page.goto("/profile/")
    expect(page.locator("tr.session")).to_have_count(2)
    end = page.get_by_role("button", name=re.compile(r"^Mettre fin à cette session"))
    expect(end).to_be_visible()
    expect(page.get_by_role("link", name=exactly("Télécharger mes données"))).to_be_visible()
    expect(page.get_by_role("link", name=exactly("Supprimer mon compte"))).to_be_visible()
    expect(page.get_by_role("link", name=exactly("Modifier l'adresse e-mail"))).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    audit(page, "phone/fr/profile-sessions")


def test_the_trust_pages_in_french(new_page, audit):
    page = new_page(locale="fr")
    page.goto("/")
    page.get_by_role("link", name=exactly("Déclaration de confidentialité")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration de confidentialité")
    audit(page, "fr/privacy-statement")
    page.get_by_role("link", name=exactly("Accessibilité")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    audit(page, "fr/accessibility-statement")
