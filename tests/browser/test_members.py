"""Day two for an operator (issue 14), in a real browser, by the interface contract's words.

Olivia, the administrator of Bio Import Lyon, invites Bruno, who has no account:
he signs up from the link (the address filled in and already proven), accepts
and is a member. Olivia makes him an administrator and leaves; Bruno, the last
administrator now, cannot leave. He proposes a new address: the operator's page
still shows the old one until Victor, INAO's validator, approves the change in
the admin; then it shows the new one, and Bruno has both e-mails (the invitation
and the decision). At a desktop's and a phone's width, every page audited.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD as FACTORY_PASSWORD
from accounts.tests.factories import UserFactory
from entities.models import Membership, Organisation
from requests_app.models import AuthorisationRequest, RequestKind
from requests_app.services import validator_create
from tests.browser.conftest import PHONE, emails_to, path_of
from tests.browser.portal import EN, FR, PASSWORD, Person, Validator, exactly, label

pytestmark = pytest.mark.django_db(transaction=True)

OLD_ADDRESS = "1 rue de la Paix"
NEW_ADDRESS = "8 quai Saint-Antoine"


def _invitation_link(email: str) -> str:
    (message,) = [m for m in emails_to(mail.outbox, email) if "invites you" in m.subject]
    match = re.search(r"https?://\S+/directory/invitations/\S+/", message.body)
    assert match, message.body
    return path_of(match.group(0))


def day_two(new_page, reference_data, *, viewport=None, check, prefix, suffix):
    t = EN
    operator = Organisation.objects.get(name="Bio Import Lyon")
    assert operator.address == OLD_ADDRESS
    olivia_email, bruno_email = f"olivia.{suffix}@bio-import.example", f"bruno.{suffix}@example.fr"
    olivia_user = UserFactory(email=olivia_email, first_name="Olivia", last_name="Admin")
    Membership.objects.create(user=olivia_user, organisation=operator, is_admin=True)
    validator_email = f"victor.{suffix}@inao.example"
    validator_create(
        email=validator_email,
        authority=reference_data,
        password=FACTORY_PASSWORD,
        first_name="Victor",
        last_name="Inao",
    )

    # 1. Olivia opens her operator's members and invites Bruno.
    olivia = Person(
        new_page(viewport=viewport),
        t,
        olivia_email,
        first_name="Olivia",
        check=check,
        prefix=prefix,
    )
    olivia.log_in(password=FACTORY_PASSWORD)
    page = olivia.page
    page.goto(f"/directory/organisations/{operator.pk}/")
    olivia.visit("operator-page-admin")
    page.get_by_role("link", name=exactly("Members")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Members")
    olivia.visit("members")
    invite = page.get_by_role("region", name="Invite a colleague")
    invite.get_by_label(label(t["email"])).fill(bruno_email)
    invite.get_by_role("button", name=exactly("Send invitation")).click()
    expect(page.locator(".message-success")).to_contain_text("An invitation has been sent")
    olivia.visit("members-invited")

    # 2. Bruno opens the link, signs up with the address already typed, and accepts.
    bruno = Person(
        new_page(viewport=viewport),
        t,
        bruno_email,
        first_name="Bruno",
        last_name="Lefèvre",
        check=check,
        prefix=prefix,
    )
    page = bruno.page
    page.goto(_invitation_link(bruno_email))
    bruno.visit("invitation-anonymous")
    page.get_by_role("link", name=exactly(t["sign_up"])).click()
    expect(page.get_by_label(label(t["email"]))).to_have_value(bruno_email)
    expect(page.get_by_label(label(t["confirm_email"]))).to_have_value(bruno_email)
    bruno.visit("invitation-sign-up")
    page.get_by_label(label(t["first_name"])).fill("Bruno")
    page.get_by_label(label(t["last_name"])).fill("Lefèvre")
    page.get_by_label(label(t["code"])).fill("PASSED")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name=exactly(t["create_account"])).click()
    expect(page.get_by_role("button", name=exactly("Accept the invitation"))).to_be_visible()
    bruno.visit("invitation-logged-in")
    page.get_by_role("button", name=exactly("Accept the invitation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(exactly(t["set_password"]))
    bruno.visit("invitation-set-password")
    page.locator("input[type=password]").nth(0).fill(PASSWORD)
    page.locator("input[type=password]").nth(1).fill(PASSWORD)
    page.get_by_role("button", name=exactly(t["set_password"])).click()
    assert Membership.objects.filter(user__email=bruno_email, organisation=operator).exists()

    # 3. Olivia makes Bruno an administrator, then leaves.
    page = olivia.page
    page.reload()
    row = page.get_by_role("row", name=re.compile("Bruno Lefèvre"))
    row.get_by_role("link", name=re.compile(r"^Make administrator")).click()
    olivia.visit("make-administrator-confirm")
    page.get_by_role("button", name=exactly(t["confirm"])).click()
    expect(page.locator(".message-success")).to_contain_text("is now an administrator")
    page.get_by_role("link", name=exactly("Leave this organisation")).click()
    olivia.visit("leave-confirm")
    page.get_by_role("button", name=exactly(t["confirm"])).click()
    expect(page.locator(".message-success")).to_contain_text("You have left Bio Import Lyon")
    assert not Membership.objects.filter(user=olivia_user, organisation=operator).exists()

    # 4. Bruno, the last administrator, cannot leave: the page says why.
    page = bruno.page
    page.goto(f"/directory/organisations/{operator.pk}/members/")
    bruno.visit("members-last-admin")
    page.get_by_role("link", name=exactly("Leave this organisation")).click()
    expect(page.get_by_text("You are the last administrator of Bio Import Lyon")).to_be_visible()
    expect(page.get_by_role("button", name=exactly(t["confirm"]))).to_have_count(0)
    bruno.visit("leave-refused")

    # 5. Bruno proposes a new address.
    page.goto(f"/directory/organisations/{operator.pk}/")
    page.get_by_role("link", name=exactly("Propose a change")).click()
    expect(page.get_by_label(label(t["address"]))).to_have_value(OLD_ADDRESS)
    bruno.visit("propose-change")
    page.get_by_label(label(t["address"])).fill(NEW_ADDRESS)
    page.get_by_role("button", name=exactly("Send for validation")).click()
    bruno.expect_confirmation()
    change = AuthorisationRequest.objects.get(kind=RequestKind.CHANGE, organisation=operator)
    assert change.proposal["proposed"] == {"address": NEW_ADDRESS}

    # 6. The directory still shows the old address (to Olivia, now an outsider).
    page = olivia.page
    page.goto("/directory/operators/")
    olivia.search("bio import")
    page.get_by_role("link", name="Bio Import Lyon").click()
    expect(page.get_by_text(OLD_ADDRESS)).to_be_visible()
    expect(page.get_by_text(NEW_ADDRESS)).to_have_count(0)
    olivia.visit("directory-old-address")
    # Bruno, an administrator, sees the proposal beside the validated values.
    bruno.page.goto(f"/directory/organisations/{operator.pk}/")
    expect(bruno.page.get_by_role("cell", name=NEW_ADDRESS)).to_be_visible()
    bruno.visit("operator-page-proposal")

    # 7. Victor approves the change in the admin.
    victor = Validator(
        new_page(viewport=viewport),
        t,
        validator_email,
        FACTORY_PASSWORD,
        check=check,
        prefix=prefix,
    )
    victor.log_in()
    victor.approve("Bruno")
    operator.refresh_from_db()
    assert operator.address == NEW_ADDRESS

    # 8. The directory shows the new address; the history says what changed.
    page = olivia.page
    page.reload()
    expect(page.get_by_text(NEW_ADDRESS).first).to_be_visible()
    expect(page.get_by_role("heading", name="History of changes")).to_be_visible()
    olivia.visit("directory-new-address")

    # 9. Both e-mails arrived: the invitation and the decision.
    subjects = [m.subject for m in emails_to(mail.outbox, bruno_email)]
    assert any("invites you to join Bio Import Lyon" in s for s in subjects), subjects
    assert any("proposed change to Bio Import Lyon has been approved" in s for s in subjects), (
        subjects
    )


def test_day_two_on_a_desktop(new_page, reference_data, audit, shoot):
    def check(page, name):
        audit(page, name)
        shoot(page, f"members-{name}")

    day_two(new_page, reference_data, check=check, prefix="", suffix="desktop")


def test_day_two_on_a_phone(new_page, reference_data, audit):
    day_two(new_page, reference_data, viewport=PHONE, check=audit, prefix="phone/", suffix="phone")


def test_the_members_pages_in_french_at_a_phones_width(new_page, reference_data, audit):
    """The contract's French words: Membres, Inviter un collègue, Envoyer l'invitation,
    Nommer administrateur, Confirmer, Quitter cette organisation."""
    t = FR
    operator = Organisation.objects.get(name="Bio Import Lyon")
    olivia_user = UserFactory(
        email="olivia.fr@bio-import.example",
        first_name="Olivia",
        last_name="Admin",
        interface_language="fr",
    )
    Membership.objects.create(user=olivia_user, organisation=operator, is_admin=True)
    claire = UserFactory(first_name="Claire", last_name="Collègue")
    Membership.objects.create(user=claire, organisation=operator)
    olivia = Person(
        new_page(locale="fr", viewport=PHONE),
        t,
        olivia_user.email,
        first_name="Olivia",
        check=audit,
        prefix="fr/",
    )
    olivia.log_in(password=FACTORY_PASSWORD)
    page = olivia.page
    page.goto(f"/directory/organisations/{operator.pk}/")
    page.get_by_role("link", name=exactly("Membres")).click()
    olivia.visit("members")
    invite = page.get_by_role("region", name="Inviter un collègue")
    invite.get_by_label(label(t["email"])).fill("bruno@example.fr")
    invite.get_by_role("button", name=exactly("Envoyer l'invitation")).click()
    expect(page.locator(".message-success")).to_contain_text("Une invitation a été envoyée")
    olivia.visit("members-invited")
    row = page.get_by_role("row", name=re.compile("Claire Collègue"))
    row.get_by_role("link", name=re.compile(r"^Nommer administrateur")).click()
    expect(page.get_by_role("button", name=exactly("Confirmer"))).to_be_visible()
    olivia.visit("make-administrator-confirm")
    page.go_back()
    page.get_by_role("link", name=exactly("Quitter cette organisation")).click()
    expect(
        page.get_by_text("Vous êtes le dernier administrateur de Bio Import Lyon")
    ).to_be_visible()
    olivia.visit("leave-refused")
