"""Issue 13, items 10 and 11 in a real browser, in English and French and at a phone's width.

Item 10: the admin's landing page shows the validator's queue (pending, overdue),
the breadcrumbs name the queue once, a search shows its status and says what the
other statuses hold, the request page uses the admin's styles with Approve and
Reject unlike each other, and the portal offers the queue rather than a role.
Item 11: a tampered bulk selection is answered with a message, and rejecting a
new operator closes the requests to join it, which can then not be approved.
Also the pages docs/screenshots/ shows for issue 13 (`make screenshots`).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from entities.tests.factories import ControlBodyFactory, OperatorFactory
from requests_app.models import AuthorisationRequest, RequestStatus
from requests_app.services import request_submit, request_submit_new_operator, validator_create
from tests.browser.conftest import PHONE
from tests.browser.portal import EN, FR, Validator, exactly, label

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "en": {
        "home": "Home",
        "caption": "Requests to decide: INAO",
        "overdue": "Overdue",
        "status": "in status",
        "hidden": "1 more matches in another status:",
        "show_all": "show all",
        "open_queue": "Open the queue",
        "choose_role": "Choose your role",
        "not_understood": "The selection was not understood: tick the requests again.",
        "was_not_validated": "was not validated: nobody can join it",
        "queue": "Authorisation requests",
    },
    "fr": {
        "home": "Accueil",
        "caption": "Demandes à décider\u00a0: INAO",
        "overdue": "En retard",
        "status": "au statut",
        "hidden": "1 autre résultat dans un autre statut\u00a0:",
        "show_all": "tout afficher",
        "open_queue": "Ouvrir la file d'attente",
        "choose_role": "Choisissez votre rôle",
        "not_understood": (
            "La sélection n'a pas été comprise\u00a0: cochez de nouveau les demandes."
        ),
        "was_not_validated": "n'a pas été validée\u00a0: personne ne peut le rejoindre",
        "queue": "Demandes d'autorisation",
    },
}
CASES = [(EN, None), (FR, None), (EN, PHONE)]
IDS = ["english", "french", "phone"]
NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


def shot_name(viewport, name):
    return f"{'phone-' if viewport else ''}{name}"


@pytest.fixture
def queue(reference_data):
    """INAO's queue: three pending (one overdue), one approved."""
    sent = [
        request_submit(applicant=UserFactory(), organisation=OperatorFactory(name=name))
        for name in ("Bio Soleil", "Bio Vallée", "Bio Rivage", "Bio Ancien")
    ]
    AuthorisationRequest.objects.filter(pk=sent[0].pk).update(due_date=datetime.date(2026, 1, 5))
    AuthorisationRequest.objects.filter(pk=sent[3].pk).update(
        status=RequestStatus.APPROVED, decided_at=sent[3].submitted_at
    )
    return sent


def victor(new_page, reference_data, t, viewport, check, suffix):
    email = f"victor.{suffix}@inao.example".lower()
    validator_create(email=email, authority=reference_data, password=PASSWORD)
    User.objects.filter(email=email).update(interface_language=t["lang"])
    person = Validator(
        new_page(locale=t["lang"], viewport=viewport), t, email, PASSWORD, check=check
    )
    person.log_in()
    return person


@pytest.mark.parametrize(("t", "viewport"), CASES, ids=IDS)
def test_a_validator_lands_on_the_queue_and_works_through_it(
    new_page, reference_data, queue, audit, shoot, t, viewport
):
    words = WORDS[t["lang"]]
    person = victor(new_page, reference_data, t, viewport, audit, f"q{t['lang']}{bool(viewport)}")
    page = person.page

    # The landing page: the queue first, its counts, each a link.
    summary = page.locator("#queue-summary")
    expect(summary.locator("caption")).to_have_text(exactly(words["caption"]))
    expect(summary.get_by_role("row", name=re.compile(rf"^{t['pending']}\s+3$"))).to_be_visible()
    expect(
        summary.get_by_role("row", name=re.compile(rf"^{words['overdue']}\s+1$"))
    ).to_be_visible()
    shoot(page, shot_name(viewport, f"validators-landing-{t['lang']}"))

    # The overdue link: the queue filtered so, the breadcrumbs naming the queue once.
    summary.get_by_role("link", name=exactly(words["overdue"])).click()
    expect(page.get_by_role("link", name="Bio Soleil")).to_have_count(0)  # rows link the date
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    crumbs = page.locator(".breadcrumbs li")
    expect(crumbs).to_have_text([words["home"], words["queue"]])
    person.visit("admin-queue-overdue")

    # A search shows the status it looks in, and what the others hold.
    page.goto("/admin/requests_app/authorisationrequest/")
    page.locator("#searchbar").fill("Bio")
    status = page.get_by_label(exactly(words["status"]))
    expect(status).to_be_visible()
    expect(status.locator("option[selected]")).to_have_text(t["pending"])
    page.locator("#changelist-search input[type=submit]").click()
    note = page.locator(".queue-search-note")
    expect(note).to_contain_text(words["hidden"])
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    person.visit("admin-queue-searched")
    note.get_by_role("link", name=exactly(words["show_all"])).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    expect(page.get_by_label(exactly(words["status"]))).to_have_value("all")

    # The request page: the admin's aligned rows, and Approve unlike Reject.
    page.goto(f"/admin/requests_app/authorisationrequest/{queue[1].pk}/change/")
    expect(page.locator("fieldset.module.aligned .readonly").first).to_be_visible()
    approve = page.get_by_role("button", name=exactly(t["approve"]))
    reject = page.get_by_role("button", name=exactly(t["reject"]))
    colours = [
        button.evaluate("b => getComputedStyle(b).backgroundColor") for button in (approve, reject)
    ]
    assert colours[0] != colours[1], colours
    assert colours[1] == "rgb(186, 33, 33)", colours  # the admin's own "delete" red
    person.visit("admin-request-styled")  # axe checks the contrast of both
    page.locator("#decision-heading").evaluate("h => h.scrollIntoView({block: 'start'})")
    shoot(page, shot_name(viewport, f"validators-request-{t['lang']}"))

    # The portal offers the queue, not the choice of a role.
    page.goto("/home/")
    expect(page.get_by_role("link", name=exactly(words["open_queue"]))).to_be_visible()
    expect(page.get_by_role("heading", name=words["choose_role"])).to_have_count(0)
    if viewport:
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
    person.visit("home-validator")
    page.get_by_role("link", name=exactly(words["open_queue"])).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)


@pytest.mark.parametrize(("t", "viewport"), CASES, ids=IDS)
def test_the_queue_answers_a_tampered_selection_and_closes_requests_to_a_rejected_operator(
    new_page, reference_data, audit, t, viewport
):
    words = WORDS[t["lang"]]
    creation = request_submit_new_operator(
        applicant=UserFactory(first_name="Nina"),
        operator_data={
            "name": "Nouvelle Bio SARL",
            "country": "FR",
            "city": "Nantes",
            "address": "3 quai de la Fosse",
            "postcode": "44000",
            "eori": "FR100000017",
            "is_importer": True,
            "is_first_consignee": False,
            "control_body": ControlBodyFactory(),
        },
    )
    stranger = request_submit(
        applicant=UserFactory(first_name="Sam", email_language=t["lang"]),
        organisation=creation.organisation,
    )
    person = victor(new_page, reference_data, t, viewport, audit, f"e{t['lang']}{bool(viewport)}")
    page = person.page

    # A selection tampered with in the page: a message, not a server error.
    page.goto("/admin/requests_app/authorisationrequest/")
    box = page.locator("input.action-select").first
    box.check()
    box.evaluate("b => { b.value = 'abc' }")
    page.locator("select[name=action]").select_option("bulk_approve")
    with page.expect_response(re.compile(r"/authorisationrequest/$")) as answer:
        page.locator("button[name=index]").first.click()
    assert answer.value.status == 302
    expect(page.locator(".messagelist .error")).to_have_text(exactly(words["not_understood"]))
    person.visit("admin-selection-not-understood")

    # Rejecting the creation closes the stranger's request to join it, with a reason.
    page.goto(f"/admin/requests_app/authorisationrequest/{creation.pk}/change/")
    page.get_by_label(label(t["reason"])).fill("Unknown at this address.")
    page.get_by_role("button", name=exactly(t["reject"])).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.goto(f"/admin/requests_app/authorisationrequest/{stranger.pk}/change/")
    expect(page.get_by_text(words["was_not_validated"]).first).to_be_visible()
    expect(page.get_by_role("button", name=exactly(t["approve"]))).to_have_count(0)
    person.visit("admin-closed-with-the-operator")
    stranger.refresh_from_db()
    assert stranger.status == RequestStatus.REJECTED


# --- the pages docs/screenshots/ shows for issue 13 ----------------------------------------


def test_the_error_summary_and_the_confirmation_english(new_page, reference_data, audit, shoot):
    page = new_page()
    page.goto("/accounts/signup/")
    page.get_by_label(label(EN["email"]), exact=False).first.fill("not an address")
    page.get_by_role("button", name=exactly(EN["create_account"])).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    audit(page, "error-summary")
    shoot(page, "error-summary")

    applicant = UserFactory(first_name="Anne", last_name="Martin")
    page.goto("/accounts/login/")
    page.get_by_label(EN["email"], exact=True).fill(applicant.email)
    page.get_by_label(EN["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=EN["log_in"], exact=True).click()
    operator = OperatorFactory(name="Bio Import Lyon SARL", country="FR")
    page.goto(f"/requests/organisation/{operator.pk}/")
    page.get_by_label(label(EN["message"])).fill("I handle the imports from Morocco.")
    page.get_by_role("button", name=exactly(EN["send"])).click()
    expect(page.locator(".confirmation-panel .reference")).to_have_text(
        re.compile(r"^TR-\d{4}-\d{6}$")
    )
    audit(page, "request-sent")
    shoot(page, "request-sent")


def test_the_directory_on_a_phone(new_page, reference_data, applicant, audit, shoot):
    for n, city in enumerate(["Lyon", "Valence", "Avignon"]):
        OperatorFactory(name=f"Biocoop Rhône {n + 1}", country="FR", city=city)
    page = new_page(viewport=PHONE)
    page.goto("/accounts/login/")
    page.get_by_label(EN["email"], exact=True).fill(applicant.email)
    page.get_by_label(EN["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=EN["log_in"], exact=True).click()
    page.goto("/directory/operators/?name=biocoop")
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    audit(page, "phone/directory")
    table.evaluate("t => t.scrollIntoView({block: 'start'})")  # the results as cards
    shoot(page, "phone-directory")
