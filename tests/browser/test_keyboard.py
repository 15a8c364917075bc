"""The applicant's path with a keyboard alone: Tab, Shift+Tab, Enter, Space, typing.

No click and no `fill`: a control is reached by pressing Tab until it has the
focus, and at every stop the focus must be visible (an outline or a ring) and on
the screen. The request dialog keeps the focus inside it, closes with Escape and
gives the focus back to the button that opened it.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from entities.models import Organisation, Status
from entities.tests.factories import valid_fr_eori
from tests.browser.conftest import link_in_last_email
from tests.browser.portal import EN, PASSWORD, exactly

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body)
    return {tag: "BODY", name: "", visible: false, onScreen: false, inDialog: false};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== "none";
  const rect = el.getBoundingClientRect();
  const onScreen = rect.bottom > 0 && rect.right > 0
    && rect.top < window.innerHeight && rect.left < window.innerWidth;
  let name = el.getAttribute("aria-label") || "";
  if (!name && el.labels && el.labels.length) name = el.labels[0].textContent;
  if (!name) name = el.value && el.type === "submit" ? el.value : el.textContent;
  return {tag: el.tagName, name: name.replace(/\\s+/g, " ").trim(), visible: outline || ring,
          onScreen, inDialog: !!el.closest("dialog[open]"), id: el.id};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, name: str, *, backwards=False, limit=60) -> dict:
    """Press Tab until the control named `name` (label words, colon allowed) has the focus."""
    pattern = re.compile(rf"^{re.escape(name)}\s*:?(\s|$)")
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        info = focused(page)
        seen.append(info["name"][:40])
        assert info["tag"] != "BODY", f"the focus fell onto the page after {seen}"
        assert info["visible"], f"no visible focus on {info} ({page.url})"
        assert info["onScreen"], f"the focused {info} is off the screen ({page.url})"
        if pattern.match(info["name"]):
            return info
    raise AssertionError(f"{name!r} not reached with Tab on {page.url}; went through {seen}")


def follow(page, key="Enter"):
    """Press a key that opens another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, name: str, text: str):
    tab_to(page, name)
    page.keyboard.type(text)


def test_an_applicant_goes_the_whole_way_with_the_keyboard_alone(new_page, reference_data):
    t = EN
    page = new_page()
    page.goto("/")

    # The first Tab reaches the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Skip to main content"
    assert focused(page)["visible"]
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, t["sign_up"])
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t["create_account"])

    type_into(page, t["first_name"], "Camille")
    type_into(page, t["last_name"], "Martin")
    type_into(page, t["email"], "camille.kb@example.fr")
    type_into(page, t["confirm_email"], "camille.kb@example.fr")
    tab_to(page, t["email_language"])
    page.keyboard.type("Fren")  # a closed select picks by its options' first letters
    expect(page.get_by_label(t["email_language"])).to_have_value("fr")
    type_into(page, t["code"], "PASSED")
    tab_to(page, "I have read and accept the privacy statement")
    page.keyboard.press("Space")
    tab_to(page, t["create_account"])
    follow(page)
    expect(page.get_by_role("heading", level=1)).not_to_have_text(t["create_account"])

    # The e-mailed link is opened from the mailbox.
    page.goto(link_in_last_email(mail.outbox, "camille.kb@example.fr"))
    page.locator("body").focus()
    tab_to(page, "New password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "New password (again)")
    page.keyboard.type(PASSWORD)
    tab_to(page, t["set_password"])
    follow(page)
    expect(page.get_by_role("link", name=exactly(t["my_profile"]))).to_be_visible()

    page.goto("/home/")
    tab_to(page, t["operator"])
    follow(page)
    type_into(page, t["name"], "jardin")
    tab_to(page, t["country"])
    page.keyboard.type("France")
    tab_to(page, t["search"])
    follow(page)
    expect(page).to_have_url(re.compile(r"name=jardin"))

    tab_to(page, t["create_operator"])
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t["create_operator"])
    # The name and country of the search are carried over.
    expect(page.get_by_label(t["name"])).to_have_value("jardin")
    tab_to(page, t["name"])
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Jardins du Luberon")
    type_into(page, t["city"], "Apt")
    type_into(page, t["address"], "3 route de Buoux")
    type_into(page, t["postcode"], "84400")
    type_into(page, t["phone"], "+33 4 90 74 00 00")
    tab_to(page, t["importer"])
    page.keyboard.press("Space")
    type_into(page, t["eori"], valid_fr_eori(777))
    tab_to(page, t["control_body"])
    page.keyboard.type("FR-BIO-01")
    tab_to(page, t["create_operator"])
    follow(page)

    type_into(page, t["message"], "We import dried figs.")
    tab_to(page, t["send"])
    follow(page)
    expect(page.locator(".confirmation-panel")).to_be_visible()
    assert Organisation.objects.get(name="Jardins du Luberon").status == Status.NEW

    # Joining an existing operator: the request dialog.
    page.goto("/directory/operators/")
    type_into(page, t["name"], "lyon")
    tab_to(page, t["search"])
    follow(page)
    tab_to(page, "Bio Import Lyon")
    follow(page)
    opener = tab_to(page, t["request"])
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert focused(page)["inDialog"], "the dialog opens with the focus inside it"

    # The focus stays in the dialog, forwards and backwards.
    for key in ["Tab"] * 8 + ["Shift+Tab"] * 8:
        page.keyboard.press(key)
        info = focused(page)
        assert info["inDialog"], f"{key} left the dialog for {info}"
        assert info["visible"], f"no visible focus on {info} in the dialog"

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert focused(page)["name"] == opener["name"], "the focus goes back to the opener"

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.type("I keep the books.")
    tab_to(page, t["send"])
    follow(page)
    expect(page.locator(".confirmation-panel")).to_be_visible()
    tab_to(page, "Go to my profile")
    follow(page)
    expect(page.locator(".status", has_text=t["pending"]).first).to_be_visible()
