"""The guide's whole path in a real browser, by the interface contract's words.

A person signs up, sets a password through the e-mailed link, logs in, chooses
the Operator role, searches, creates a new operator and sends the request that
creates it; an INAO validator approves it in the admin; the person sees it
Approved, has the decision e-mail, and is now the operator's administrator: a
colleague asks to join, and the person approves the colleague in the portal.

Once in English on a desktop, once in French, once at a phone's width. Every
page is scanned with axe-core on the way, and photographed when SCREENSHOTS=1.
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD as FACTORY_PASSWORD
from accounts.tests.factories import UserFactory
from entities.models import Organisation, Status
from entities.tests.factories import valid_fr_eori
from requests_app.services import validator_create
from tests.browser.conftest import PHONE
from tests.browser.portal import EN, FR, Person, Validator, exactly, label

pytestmark = pytest.mark.django_db(transaction=True)

NEW_OPERATOR = "Jardins de Provence Bio"


def walk_the_guide(new_page, reference_data, t, *, viewport=None, check, prefix, suffix):
    validator_email = f"victor.{suffix}@inao.example"
    validator_create(
        email=validator_email,
        authority=reference_data,
        password=FACTORY_PASSWORD,
        first_name="Victor",
        last_name="Inao",
    )
    from accounts.models import User

    User.objects.filter(email=validator_email).update(interface_language=t["lang"])

    # 1. Camille signs up, sets a password through the e-mail, logs out and in.
    camille = Person(
        new_page(locale=t["lang"], viewport=viewport),
        t,
        f"camille.{suffix}@example.fr",
        check=check,
        prefix=prefix,
    )
    camille.sign_up()
    camille.set_password_from_email()
    camille.log_out()
    camille.log_in()

    # 2. Operator, a search that finds nothing, and a new operator with its request.
    camille.choose_operator_role()
    camille.search("jardins")
    camille.visit("directory-search")
    camille.create_operator(
        name=NEW_OPERATOR, eori=valid_fr_eori(4242), control_body_code="FR-BIO-01"
    )
    camille.send_request("We import organic olive oil from Tunisia.")
    operator = Organisation.objects.get(name=NEW_OPERATOR)
    assert operator.status == Status.NEW

    # 3. Victor, INAO's validator, approves it in the admin.
    victor = Validator(
        new_page(locale=t["lang"], viewport=viewport),
        t,
        validator_email,
        FACTORY_PASSWORD,
        check=check,
        prefix=prefix,
    )
    victor.log_in()
    victor.approve("Camille")
    operator.refresh_from_db()
    assert operator.status == Status.VALID

    # 4. Camille sees it approved and has the e-mail.
    camille.page.reload()
    camille.expect_request_status(t["approved"])
    camille.visit("profile-approved")
    camille.expect_decision_email(NEW_OPERATOR)
    camille.page.goto("/home/")
    camille.expect_request_status(t["approved"])
    camille.visit("home-approved")
    camille.open_notifications()
    expect(camille.page.get_by_text(NEW_OPERATOR).first).to_be_visible()
    camille.visit("notifications")

    # 5. A colleague asks to join; Camille, its administrator now, approves.
    UserFactory(
        email=f"dominique.{suffix}@example.fr",
        first_name="Dominique",
        last_name="Roux",
        interface_language=t["lang"],
        email_language=t["lang"],
    )
    dominique = Person(
        new_page(locale=t["lang"], viewport=viewport),
        t,
        f"dominique.{suffix}@example.fr",
        first_name="Dominique",
        last_name="Roux",
        check=check,
        prefix=prefix,
    )
    dominique.log_in(password=FACTORY_PASSWORD)
    dominique.choose_operator_role()
    dominique.request_authorisation_for(NEW_OPERATOR)

    camille.approve_colleague("Dominique")
    dominique.page.reload()
    dominique.expect_request_status(t["approved"])
    dominique.expect_decision_email(NEW_OPERATOR)
    return camille, victor, dominique


# The pages shown in docs/screenshots/ (`make screenshots`).
SCREENSHOTS = {
    "welcome",
    "sign-up",
    "home-role-choice",
    "directory-search",
    "new-operator",
    "new-operator-request",
    "profile-pending",
    "admin-queue",
    "admin-request",
    "home-approved",
    "request-dialog",
    "requests-from-colleagues",
}


def test_the_whole_guide_in_english(new_page, reference_data, audit, shoot):
    def check(page, name):
        audit(page, name)
        if name in SCREENSHOTS:
            shoot(page, name)

    walk_the_guide(new_page, reference_data, EN, check=check, prefix="", suffix="en")


def test_the_whole_guide_in_french(new_page, reference_data, audit):
    walk_the_guide(new_page, reference_data, FR, check=audit, prefix="fr/", suffix="fr")


def test_the_whole_guide_on_a_phone(new_page, reference_data, audit, shoot):
    def check(page, name):
        audit(page, name)
        # Nothing wider than the screen: no sideways scrolling (WCAG 1.4.10, reflow).
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390px"
        if name in {"phone/home-role-choice", "phone/new-operator", "phone/home-approved"}:
            shoot(page, name.replace("/", "-"))

    walk_the_guide(
        new_page, reference_data, EN, viewport=PHONE, check=check, prefix="phone/", suffix="ph"
    )


def test_a_validator_rejects_with_a_reason_that_the_applicant_reads(
    new_page, pending_request, applicant, validator_inao, audit
):
    victor = Validator(new_page(), EN, validator_inao.email, FACTORY_PASSWORD, check=audit)
    victor.log_in()
    page = victor.page
    page.goto(f"/admin/requests_app/authorisationrequest/{pending_request.pk}/change/")
    page.get_by_label(label(EN["reason"])).fill("The EORI number belongs to another company.")
    page.get_by_role("button", name=exactly(EN["reject"])).click()
    expect(page.locator(".messagelist li").first).to_be_visible()

    anne = Person(new_page(), EN, applicant.email, first_name="Anne", check=audit)
    anne.log_in(password=FACTORY_PASSWORD)
    anne.open_profile()
    anne.expect_request_status(EN["rejected"])
    expect(
        anne.page.get_by_text("The EORI number belongs to another company.").first
    ).to_be_visible()
    anne.visit("profile-rejected")
    subjects = [m.subject for m in mail.outbox if applicant.email in m.to]
    assert any("has been rejected" in subject for subject in subjects), subjects
