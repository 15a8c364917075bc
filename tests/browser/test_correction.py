"""Day two in a real browser, by the interface contract's words.

1. An INAO validator asks for a correction of a new operator's address; the
   applicant reads it in the e-mail, corrects and resubmits; the validator
   approves; the request's history shows the four steps.
2. A validator merges a duplicate operator into the one that stays: its member
   moves, and the old page leads to the one that stays.

Every new page is scanned with axe-core and the Nu HTML Checker (audit).
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from entities.models import Membership, Organisation, Status
from entities.tests.factories import MembershipFactory, OperatorFactory, valid_fr_eori
from requests_app.models import RequestEvent
from requests_app.services import request_submit_new_operator, validator_create
from tests.browser.conftest import link_in_last_email
from tests.browser.portal import EN, Person, Validator, exactly, label

pytestmark = pytest.mark.django_db(transaction=True)

NEW_OPERATOR = "Jardins de Provence Bio"


def victor_of(new_page, inao, audit):
    email = "victor@inao.example"
    validator_create(
        email=email, authority=inao, password=PASSWORD, first_name="Victor", last_name="Inao"
    )
    victor = Validator(new_page(), EN, email, PASSWORD, check=audit)
    victor.log_in()
    return victor


def test_a_correction_asked_read_in_the_e_mail_made_resubmitted_and_approved(
    new_page, reference_data, audit
):
    from entities.models import Organisation as Org

    camille_email = "camille@example.fr"
    camille_user = UserFactory(first_name="Camille", last_name="Martin", email=camille_email)
    request_submit_new_operator(
        applicant=camille_user,
        operator_data={
            "name": NEW_OPERATOR,
            "country": "FR",
            "city": "Avignon",
            "address": "Entrepôt 4, zone du Pontet",
            "postcode": "84000",
            "eori": valid_fr_eori(4242),
            "is_importer": True,
            "is_first_consignee": False,
            "control_body": Org.objects.get(code="FR-BIO-01"),
        },
        message="We import organic olive oil from Tunisia.",
    )

    # 1. Victor asks for a correction of the address, with the Reason.
    victor = victor_of(new_page, reference_data, audit)
    page = victor.page
    page.locator("#content-main th[scope=row]").get_by_role(
        "link", name=exactly(EN["authorisation_requests"])
    ).click()
    page.get_by_role("link", name=re.compile("Camille")).first.click()
    victor.visit("admin-request-correction")
    page.get_by_label(label("Reason")).fill(
        "The address is your warehouse's: give the registered office's."
    )
    page.get_by_role("button", name=exactly("Ask for correction")).click()
    expect(page.locator(".messagelist li").first).to_contain_text("A correction has been asked")

    # 2. Camille reads the e-mail, logs in, follows its link, corrects and resubmits.
    (message,) = [m for m in mail.outbox if camille_email in m.to and "correction" in m.subject]
    assert "registered office" in message.body
    camille = Person(new_page(), EN, camille_email, check=audit)
    camille.log_in(password=PASSWORD)
    page = camille.page
    page.goto(link_in_last_email(mail.outbox, camille_email))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct and resubmit")
    camille.visit("correct-and-resubmit")
    expect(page.get_by_text("registered office's")).to_be_visible()
    page.get_by_label(label("Address")).fill("3 place de l'Horloge")
    page.get_by_role("button", name=exactly("Correct and resubmit")).click()
    expect(page.locator(".message-success")).to_be_visible()
    camille.expect_request_status("Pending")
    camille.visit("request-resubmitted")
    operator = Organisation.objects.get(name=NEW_OPERATOR)
    assert operator.address == "3 place de l'Horloge"

    # 3. Victor approves it.
    victor.page.goto("/admin/")
    victor.approve("Camille")
    operator.refresh_from_db()
    assert operator.status == Status.VALID

    # 4. The history shows the four steps.
    page.reload()
    history = page.locator("ol.history li")
    expect(history).to_have_count(4)
    for step, words in enumerate(
        ["Submitted", "Correction requested", "Corrected and resubmitted", "Approved"]
    ):
        expect(history.nth(step)).to_contain_text(words)
    expect(history.nth(1)).to_contain_text("registered office")
    camille.visit("request-history-four-steps")
    assert list(RequestEvent.objects.values_list("action", flat=True)) == [
        "submitted",
        "correction_asked",
        "resubmitted",
        "approved",
    ]


def test_merging_two_operators_moves_a_member_and_redirects_the_old_page(
    new_page, reference_data, audit
):
    keep = Organisation.objects.get(name="Bio Import Lyon")
    duplicate = OperatorFactory(name="Bio-Import Lyon SARL", country="FR", city="Lyon")
    denis = UserFactory(first_name="Denis", last_name="Double", email="denis@example.fr")
    MembershipFactory(user=denis, organisation=duplicate, is_admin=True)

    victor = victor_of(new_page, reference_data, audit)
    page = victor.page
    page.goto(reverse("admin:entities_operator_change", args=[duplicate.pk]))
    page.get_by_role("link", name=exactly("Merge into another operator")).click()
    victor.visit("admin-merge-choose")
    page.get_by_label(re.compile(r"^Bio Import Lyon —")).check()
    page.get_by_role("button", name=exactly("Continue")).click()
    victor.visit("admin-merge-confirm")
    page.get_by_role("button", name=exactly("Confirm")).click()
    expect(page.locator(".messagelist li").first).to_contain_text("has been merged into")
    victor.visit("admin-after-merge")

    assert Membership.objects.filter(user=denis, organisation=keep, is_admin=True).exists()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED

    # Denis's old page leads to the one that stays, where he is a member.
    person = Person(new_page(), EN, denis.email, check=audit)
    person.log_in(password=PASSWORD)
    person.page.goto(reverse("entities:organisation", args=[duplicate.pk]))
    expect(person.page).to_have_url(re.compile(rf"/{keep.pk}/$"))
    expect(person.page.get_by_role("heading", level=1)).to_have_text("Bio Import Lyon")
    expect(person.page.get_by_text("You are a member of this organisation.")).to_be_visible()
    person.visit("organisation-after-merge")


def test_a_suspension_with_its_reason_and_confirmation_read_by_a_member_in_french(
    new_page, reference_data, audit
):
    operator = Organisation.objects.get(name="Bio Import Lyon")
    claire = UserFactory(first_name="Claire", email="claire@example.fr", interface_language="fr")
    MembershipFactory(user=claire, organisation=operator)

    victor = victor_of(new_page, reference_data, audit)
    page = victor.page
    page.goto(reverse("admin:entities_operator_change", args=[operator.pk]))
    page.get_by_role("link", name=exactly("Suspend")).click()
    victor.visit("admin-suspend")
    page.get_by_role("button", name=exactly("Suspend")).click()  # no reason yet
    expect(page.locator(".errorlist")).to_contain_text("Give the reason")
    victor.visit("admin-suspend-error")
    page.get_by_label(label("Reason")).fill("Certificate withdrawn by Ecocert on 1 December.")
    page.get_by_role("button", name=exactly("Suspend")).click()
    victor.visit("admin-suspend-confirm")
    page.get_by_role("button", name=exactly("Confirm")).click()
    expect(page.locator(".messagelist li").first).to_contain_text("has been suspended")
    operator.refresh_from_db()
    assert operator.status == Status.SUSPENDED

    from tests.browser.portal import FR

    member = Person(new_page(locale="fr"), FR, claire.email, check=audit)
    member.log_in(password=PASSWORD)
    member.page.goto(reverse("entities:organisation", args=[operator.pk]))
    expect(member.page.get_by_text("Cet opérateur est suspendu")).to_be_visible()
    expect(member.page.get_by_text("Certificate withdrawn by Ecocert")).to_be_visible()
    expect(member.page.locator(".status").first).to_have_text("Suspendu")
    member.visit("organisation-suspended-fr")


def test_correct_and_resubmit_in_french_at_a_phones_width(new_page, reference_data, audit):
    """The applicant's side in French on a phone: the profile's request, then the form."""
    from requests_app.services import request_ask_correction, request_submit
    from tests.browser.conftest import PHONE
    from tests.browser.portal import FR

    validator = validator_create(
        email="victor@inao.example", authority=reference_data, password=PASSWORD
    )
    camille = UserFactory(email="camille@example.fr", interface_language="fr")
    operator = Organisation.objects.get(name="Bio Import Lyon")
    req = request_submit(applicant=camille, organisation=operator, message="Achats")
    request_ask_correction(request=req, decided_by=validator, reason="Quel est votre rôle ?")

    person = Person(new_page(locale="fr", viewport=PHONE), FR, camille.email, check=audit)
    person.log_in(password=PASSWORD)
    page = person.page
    person.open_profile()
    person.expect_request_status("Correction demandée")
    person.visit("profile-correction-fr-phone")
    page.get_by_role("link", name=re.compile(r"^Corriger et renvoyer")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corriger et renvoyer")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    person.visit("correct-and-resubmit-fr-phone")
    page.get_by_label(label("Message")).fill("Je suis l'acheteuse.")
    page.get_by_role("button", name=exactly("Corriger et renvoyer")).click()
    expect(page.locator(".message-success")).to_be_visible()
    person.expect_request_status("En attente")
