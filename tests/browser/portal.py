"""The guide's path, step by step, driven only by what a person sees.

Every control is found by the words of the interface contract (DESIGN.md),
in English or in French. A label may end with the colon Django adds (":" in
English, " :" in French): the words themselves must match exactly.
"""

import re
from dataclasses import dataclass, field
from itertools import pairwise

from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.conftest import emails_to, link_in_last_email

PASSWORD = "a long and quiet river 2026"

EN = {
    "lang": "en",
    "sign_up": "Sign up for TRACES",
    "log_in_to": "Log in to TRACES",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail",
    "confirm_email": "Confirm e-mail",
    "email_language": "E-mail language",
    "code": "Code",
    "create_account": "Create an account",
    "set_password": "Set password",
    "password": "Password",
    "log_in": "Log in",
    "log_out": "Log out",
    "my_profile": "My profile",
    "operator": "Operator",
    "name": "Name",
    "country": "Country",
    "activity": "Activity",
    "search": "Search",
    "create_operator": "Create a new operator",
    "city": "City",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "eori": "EORI number",
    "importer": "Organic importer",
    "first_consignee": "Organic operator (first consignee)",
    "control_body": "Control body",
    "request": "Request authorisation",
    "message": "Message",
    "send": "Send authorisation request",
    "approve": "Approve",
    "reject": "Reject",
    "reason": "Reason",
    "pending": "Pending",
    "approved": "Approved",
    "rejected": "Rejected",
    "site": "TRACES registration portal",
    # An approval: of a request to join, or of a new operator (its creator administers it).
    "decision_email": ("has been approved", "you are its administrator"),
    "notifications": "Notifications",
    "valid": "Valid",
    "authorisation_requests": "Authorisation requests",
    "what_next": "What happens next",
    "read_and_decide": "Read and decide",
    "confirm": "Confirm",
}

FR = {
    **EN,
    "lang": "fr",
    "sign_up": "S'inscrire à TRACES",
    "log_in_to": "Se connecter à TRACES",
    "first_name": "Prénom",
    "last_name": "Nom",
    "email": "Courriel",
    "confirm_email": "Confirmez le courriel",
    "email_language": "Langue des courriels",
    "code": "Code",
    "create_account": "Créer un compte",
    "set_password": "Définir le mot de passe",
    "password": "Mot de passe",
    "log_in": "Se connecter",
    "log_out": "Se déconnecter",
    "my_profile": "Mon profil",
    "operator": "Opérateur",
    "create_operator": "Créer un nouvel opérateur",
    "request": "Demande d'autorisation",
    "send": "Envoyer la demande d'autorisation",
    "name": "Nom",
    "country": "Pays",
    "activity": "Activité",
    "search": "Rechercher",
    "city": "Ville",
    "address": "Adresse",
    "postcode": "Code postal",
    "phone": "Numéro de téléphone",
    "eori": "Numéro EORI",
    "importer": "Importateur bio",
    "first_consignee": "Opérateur bio (premier destinataire)",
    "control_body": "Organisme de contrôle",
    "message": "Message",
    "approve": "Approuver",
    "reject": "Rejeter",
    "reason": "Motif",
    "pending": "En attente",
    "approved": "Approuvée",
    "valid": "Valide",
    "rejected": "Rejetée",
    "site": "Portail d'enregistrement TRACES",
    "decision_email": ("a été approuvée", "vous en êtes l'administrateur"),
    "authorisation_requests": "Demandes d'autorisation",
    "what_next": "La suite",
    "read_and_decide": "Lire et décider",
    "confirm": "Confirmer",
}


def label(text: str) -> re.Pattern:
    """Exactly these words, with or without the colon Django appends."""
    return re.compile(rf"^\s*{re.escape(text)}\s*:?\s*$")


def exactly(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


HEADINGS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter(h => h.getClientRects().length || h.closest("dialog[open]"))
    .map(h => [Number(h.tagName[1]), h.textContent.trim()])"""


def assert_reads_well(page, t, *, portal=True):
    """The language, a title that says where you are, headings in order."""
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", t["lang"])
    title = page.title()
    assert title and not title.startswith(("·", "|")), f"{page.url}: title {title!r}"
    if portal:
        # "Where you are · TRACES registration portal", in the page's language.
        assert title.endswith(f" · {t['site']}") and len(title) > len(t["site"]) + 5, title
    headings = page.evaluate(HEADINGS)
    assert headings, f"{page.url}: no heading"
    levels = [level for level, _ in headings]
    assert levels.count(1) == 1 and levels[0] == 1, f"{page.url}: one h1 first, got {headings}"
    for (before, _), (level, text) in pairwise(headings):
        assert level <= before + 1, f"{page.url}: h{level} {text!r} follows h{before}"


def no_check(page, name):
    """Stands in for audit/shoot where a test does not want them."""


@dataclass
class Person:
    """One person at one browser window, speaking one language."""

    page: Page
    t: dict
    email: str
    first_name: str = "Camille"
    last_name: str = "Martin"
    check: object = no_check  # check(page, name): accessibility scan and screenshot
    prefix: str = ""
    seen: list = field(default_factory=list)

    def visit(self, name: str):
        """Called on every page the journey reaches: the page is checked once."""
        assert_reads_well(self.page, self.t)
        self.seen.append(name)
        self.check(self.page, f"{self.prefix}{name}")

    # --- identity -------------------------------------------------------------

    def sign_up(self):
        t, page = self.t, self.page
        page.goto("/")
        self.visit("welcome")
        page.get_by_role("link", name=exactly(t["sign_up"])).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(exactly(t["create_account"]))
        self.visit("sign-up")
        page.get_by_label(label(t["first_name"])).fill(self.first_name)
        page.get_by_label(label(t["last_name"])).fill(self.last_name)
        page.get_by_label(label(t["email"])).fill(self.email)
        page.get_by_label(label(t["confirm_email"])).fill(self.email)
        page.get_by_label(label(t["email_language"])).select_option(t["lang"])
        page.get_by_label(label(t["code"])).fill("PASSED")
        page.get_by_role("checkbox").check()
        page.get_by_role("button", name=exactly(t["create_account"])).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        self.visit("check-your-mailbox")

    def set_password_from_email(self):
        t, page = self.t, self.page
        page.goto(link_in_last_email(mail.outbox, self.email))
        self.visit("set-password")
        password_fields = page.locator("input[type=password]")
        expect(password_fields).to_have_count(2)
        password_fields.nth(0).fill(PASSWORD)
        password_fields.nth(1).fill(PASSWORD)
        page.get_by_role("button", name=exactly(t["set_password"])).click()
        expect(page.get_by_role("link", name=exactly(t["my_profile"]))).to_be_visible()

    def log_out(self):
        self.page.get_by_role("button", name=exactly(self.t["log_out"])).click()
        expect(self.page.get_by_role("link", name=exactly(self.t["sign_up"]))).to_be_visible()

    def log_in(self, password=PASSWORD):
        t, page = self.t, self.page
        page.goto("/")
        page.get_by_role("button", name=exactly(t["log_in_to"])).click()
        self.visit("log-in")
        page.get_by_label(label(t["email"])).fill(self.email)
        page.get_by_label(label(t["password"])).fill(password)
        page.get_by_role("button", name=exactly(t["log_in"])).click()
        expect(page.get_by_role("link", name=exactly(t["my_profile"]))).to_be_visible()

    # --- directory and new operator ---------------------------------------------

    def choose_operator_role(self):
        page = self.page
        self.visit("home-role-choice")
        page.get_by_role("link", name=exactly(self.t["operator"])).click()
        expect(page.get_by_label(label(self.t["name"]))).to_be_visible()
        self.visit("directory")

    def search(self, name: str):
        page = self.page
        page.get_by_label(label(self.t["name"])).fill(name)
        page.get_by_label(label(self.t["country"])).select_option("FR")
        page.get_by_role("button", name=exactly(self.t["search"])).click()
        expect(page).to_have_url(re.compile(r"name="))

    def create_operator(self, *, name, eori, control_body_code):
        t, page = self.t, self.page
        page.get_by_role("link", name=exactly(t["create_operator"])).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(exactly(t["create_operator"]))
        self.visit("new-operator")
        page.get_by_label(label(t["name"])).fill(name)
        page.get_by_label(label(t["country"])).select_option("FR")
        page.get_by_label(label(t["city"])).fill("Avignon")
        page.get_by_label(label(t["address"])).fill("12 chemin des Vignes")
        page.get_by_label(label(t["postcode"])).fill("84000")
        page.get_by_label(label(t["phone"])).fill("+33 4 90 12 34 56")
        page.get_by_label(label(t["eori"])).fill(eori)
        page.get_by_label(label(t["importer"])).check()
        control_body = page.get_by_label(label(t["control_body"]))
        value = control_body.locator("option", has_text=control_body_code).get_attribute("value")
        control_body.select_option(value)
        page.get_by_role("button", name=exactly(t["create_operator"])).click()
        # Straight into the authorisation request for it.
        expect(page.get_by_role("button", name=exactly(t["send"]))).to_be_visible()
        self.visit("new-operator-request")

    def send_request(self, message: str):
        t, page = self.t, self.page
        page.get_by_label(label(t["message"])).fill(message)
        page.get_by_role("button", name=exactly(t["send"])).click()
        self.expect_confirmation()
        self.open_profile()
        self.expect_request_status(t["pending"])
        self.visit("profile-pending")

    def request_authorisation_for(self, organisation: str):
        """Search, open the organisation, and ask to join it in the dialog."""
        t, page = self.t, self.page
        self.search(organisation[:6].lower())
        page.get_by_role("link", name=organisation).click()
        self.visit("organisation")
        page.get_by_role("link", name=exactly(t["request"])).click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        self.visit("request-dialog")
        dialog.get_by_label(label(t["message"])).fill("I handle the imports from Morocco.")
        dialog.get_by_role("button", name=exactly(t["send"])).click()
        self.expect_confirmation()
        self.open_profile()
        self.expect_request_status(t["pending"])

    def expect_confirmation(self):
        """After sending: a confirmation with the reference and who decides, by when."""
        panel = self.page.locator(".confirmation-panel")
        expect(panel).to_be_visible()
        expect(panel.locator(".reference")).to_have_text(re.compile(r"^TR-\d{4}-\d{6}$"))
        expect(self.page.get_by_role("heading", level=2, name=self.t["what_next"])).to_be_visible()
        self.visit("request-sent")

    def expect_request_status(self, status: str):
        expect(self.page.locator(".status", has_text=exactly(status)).first).to_be_visible()

    def open_profile(self):
        self.page.get_by_role("link", name=exactly(self.t["my_profile"])).click()
        expect(self.page.get_by_role("heading", level=1)).to_be_visible()

    def open_notifications(self):
        self.page.get_by_role("link", name=re.compile(rf"^{self.t['notifications']}")).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(
            exactly(self.t["notifications"])
        )

    def expect_decision_email(self, organisation: str):
        """The decision, in the person's e-mail language, names the organisation."""
        subjects = [m.subject for m in emails_to(mail.outbox, self.email)]
        assert any(
            organisation in subject and any(words in subject for words in self.t["decision_email"])
            for subject in subjects
        ), subjects

    # --- operator administrator ---------------------------------------------------

    def approve_colleague(self, colleague: str):
        page = self.page
        page.goto("/home/")
        page.locator(".message-warning a").click()
        self.visit("requests-from-colleagues")
        row = page.get_by_role("row", name=re.compile(re.escape(colleague)))
        row.get_by_role(
            "link", name=re.compile(rf"^{re.escape(self.t['read_and_decide'])}")
        ).click()
        self.visit("colleague-request")
        page.get_by_role("link", name=exactly(self.t["approve"])).click()
        self.visit("approve-confirmation")
        page.get_by_role("button", name=exactly(self.t["confirm"])).click()
        expect(page.locator(".message-success")).to_be_visible()


@dataclass
class Validator:
    """A validator of INAO, in the Django admin."""

    page: Page
    t: dict
    email: str
    password: str
    check: object = no_check
    prefix: str = ""

    def visit(self, name):
        assert_reads_well(self.page, self.t, portal="/admin/" not in self.page.url)
        self.check(self.page, f"{self.prefix}{name}")

    def log_in(self):
        t, page = self.t, self.page
        # The admin sends people to the portal's log-in (which asks for the second factor).
        page.goto("/admin/")
        self.visit("admin-log-in")
        page.get_by_label(label(t["email"])).fill(self.email)
        page.get_by_label(label(t["password"])).fill(self.password)
        page.get_by_role("button", name=exactly(t["log_in"])).click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        self.visit("admin-index")

    def approve(self, applicant: str):
        t, page = self.t, self.page
        # The model's row of the admin index (the app's caption above it has the same words).
        rows = page.locator("#content-main th[scope=row]")
        rows.get_by_role("link", name=exactly(t["authorisation_requests"])).click()
        self.visit("admin-queue")
        page.get_by_role("link", name=re.compile(re.escape(applicant))).first.click()
        expect(page.get_by_role("button", name=exactly(t["approve"]))).to_be_visible()
        expect(page.get_by_label(label(t["reason"]))).to_be_visible()
        expect(page.get_by_role("button", name=exactly(t["reject"]))).to_be_visible()
        self.visit("admin-request")
        page.get_by_role("button", name=exactly(t["approve"])).click()
        expect(page.locator(".messagelist .success, .messagelist li").first).to_be_visible()
        self.visit("admin-after-decision")
