"""Issue 13, items 9 and 7 in a real browser, in English and French and at a phone's width.

The sign-up code (large, a new image in place, a reload without JavaScript), the
check-your-mailbox page holding the address just typed, "Show password" with the
mouse and the keyboard, the account's address beside a new password for password
managers, a newer link replacing the older one, and the profile: dates written as a
person writes them with the zone named, and the time zone chosen by country.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import PHONE, emails_to, link_in_last_email, path_of
from tests.browser.portal import EN, FR, PASSWORD, exactly, label

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "en": {
        "new_image": "Show a new image",
        "new_image_status": "A new image is shown: type its code.",
        "show": "Show password",
        "hide": "Hide password",
        "check_mailbox": "Check your mailbox",
        "new_password": "New password",
        "time_zone": "Time zone",
        "suggested": "Suggested",
        "germany": "Germany",
        "member_since": re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} CET$"),
        "expired": "This link no longer works",
    },
    "fr": {
        "new_image": "Afficher une nouvelle image",
        "new_image_status": "Une nouvelle image est affichée\u00a0: saisissez son code.",
        "show": "Afficher le mot de passe",
        "hide": "Masquer le mot de passe",
        "check_mailbox": "Consultez votre messagerie",
        "new_password": "Nouveau mot de passe",
        "time_zone": "Fuseau horaire",
        "suggested": "Suggestions",
        "germany": "Allemagne",
        # \s matches the no-break spaces of "13 h 53" too; the test reads them exactly.
        "member_since": re.compile(r"^\d{1,2} \S+ \d{4} à \d{1,2}\sh\s\d{2} CET$"),
        "expired": "Ce lien ne fonctionne plus",
    },
}

CASES = [(EN, None), (FR, None), (EN, PHONE)]
IDS = ["english", "french", "phone"]


def name(t, viewport, page_name):
    return f"{'phone-' if viewport else ''}accounts-{page_name}-{t['lang']}"


def fill_sign_up(page, t, email):
    page.get_by_label(label(t["first_name"])).fill("Camille")
    page.get_by_label(label(t["last_name"])).fill("Martin")
    page.get_by_label(label(t["email"]), exact=False).first.fill(email)
    page.get_by_label(label(t["confirm_email"])).fill(email)
    page.get_by_label(label(t["code"])).fill("PASSED")
    page.get_by_role("checkbox").check()


@pytest.mark.parametrize(("t", "viewport"), CASES, ids=IDS)
def test_the_sign_up_code_is_large_and_a_new_image_comes_in_place(
    new_page, audit, shoot, t, viewport
):
    words = WORDS[t["lang"]]
    page = new_page(locale=t["lang"], viewport=viewport)
    page.goto("/accounts/signup/")
    image = page.locator("img.captcha")
    expect(image).to_be_visible()
    box = image.bounding_box()
    # Shown at its own size (240 x 80), or the whole width a phone has for it.
    assert box["height"] >= 70 and box["width"] >= 210, box
    width = page.evaluate("document.documentElement.clientWidth")
    assert box["x"] + box["width"] <= width  # no sideways scrolling for it
    audit(page, name(t, viewport, "sign-up"))
    page.get_by_label(label(t["email_language"])).scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 120)")
    shoot(page, name(t, viewport, "sign-up-code"))

    page.get_by_label(label(t["first_name"])).fill("Camille")
    key = page.locator("input[name=captcha_0]")
    old_key, old_src = key.input_value(), image.get_attribute("src")
    page.get_by_label(label(t["code"])).fill("WRONG")
    page.get_by_role("link", name=exactly(words["new_image"])).click()
    expect(key).not_to_have_value(old_key)
    assert image.get_attribute("src") != old_src
    assert key.input_value() in image.get_attribute("src")
    # In place: what was typed stays, the old answer is cleared, the change is announced.
    expect(page.get_by_label(label(t["first_name"]))).to_have_value("Camille")
    expect(page.get_by_label(label(t["code"]))).to_have_value("")
    expect(page.locator("[data-captcha-status]")).to_have_text(words["new_image_status"])
    audit(page, name(t, viewport, "sign-up-new-image"))


def test_without_javascript_the_new_image_link_reloads_the_page_and_nothing_breaks(
    browser, live_server
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/accounts/signup/")
        old_key = page.locator("input[name=captcha_0]").input_value()
        with page.expect_navigation():
            page.get_by_role("link", name=exactly(WORDS["en"]["new_image"])).click()
        assert page.locator("input[name=captcha_0]").input_value() != old_key
        # The Show password button waits for JavaScript: here there is none to press.
        page.goto("/accounts/login/")
        expect(page.get_by_role("button", name=exactly(WORDS["en"]["show"]))).to_have_count(0)
        expect(page.get_by_label(label(EN["password"]))).to_have_attribute("type", "password")
    finally:
        context.close()


@pytest.mark.parametrize(("t", "viewport"), CASES, ids=IDS)
def test_sign_up_to_profile_with_show_password_and_dates_as_people_write_them(
    new_page, audit, shoot, t, viewport
):
    words = WORDS[t["lang"]]
    email = f"camille.{t['lang']}{'.phone' if viewport else ''}@example.fr"
    page = new_page(locale=t["lang"], viewport=viewport)
    page.goto("/accounts/signup/")
    fill_sign_up(page, t, email)
    page.get_by_role("button", name=exactly(t["create_account"])).click()

    # Check your mailbox: the form that sends the link again holds the address.
    expect(page.get_by_role("heading", level=1)).to_have_text(words["check_mailbox"])
    expect(page.locator("#id_resend_email")).to_have_value(email)
    audit(page, name(t, viewport, "check-your-mailbox"))
    shoot(page, name(t, viewport, "check-your-mailbox"))

    # A second link, asked from that page, replaces the first.
    first_link = link_in_last_email(mail.outbox, email)
    page.locator("#id_resend_email").locator("xpath=ancestor::form").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert len(emails_to(mail.outbox, email)) == 2
    second_link = link_in_last_email(mail.outbox, email)
    page.goto(first_link)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["expired"])
    audit(page, name(t, viewport, "older-link-refused"))

    # The set-password page: the address for password managers, and Show password.
    page.goto(second_link)
    expect(page.get_by_role("heading", level=1)).to_have_text(t["set_password"])
    username = page.locator("input[autocomplete=username]")
    expect(username).to_have_value(email)
    expect(username).to_have_attribute("tabindex", "-1")
    password = page.get_by_label(label(words["new_password"]), exact=True)
    password.fill(PASSWORD)
    show = page.get_by_role("button", name=exactly(words["show"])).first
    expect(show).to_be_visible()
    show.click()
    expect(password).to_have_attribute("type", "text")
    hide = page.get_by_role("button", name=exactly(words["hide"])).first
    expect(hide).to_be_focused()
    audit(page, name(t, viewport, "set-password-shown"))
    shoot(page, name(t, viewport, "set-password-shown"))
    # With the keyboard: Space on the focused button hides it again.
    page.keyboard.press("Space")
    expect(password).to_have_attribute("type", "password")
    # From the field, Tab reaches its button.
    password.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=exactly(words["show"])).first).to_be_focused()
    page.keyboard.press("Enter")
    expect(password).to_have_attribute("type", "text")
    page.locator("input[type=password]").fill(PASSWORD)  # the second field
    page.get_by_role("button", name=exactly(t["set_password"])).click()
    expect(page.get_by_role("link", name=exactly(t["my_profile"]))).to_be_visible()

    # The profile: the date written as a person writes it, with its zone.
    page.get_by_role("link", name=exactly(t["my_profile"])).click()
    expect(page.locator("time.member-since")).to_have_text(words["member_since"])
    if t is FR:  # "13 h 53" never breaks across two lines
        assert "\u00a0h\u00a0" in page.locator("time.member-since").text_content()
    select = page.get_by_label(label(words["time_zone"]))
    groups = select.locator("optgroup")
    expect(groups.first).to_have_attribute("label", words["suggested"])
    expect(groups.first.locator("option")).to_have_count(1)  # Paris, theirs and the portal's
    expect(select).to_have_value("Europe/Paris")
    expect(select.locator(f"optgroup[label='{words['germany']}'] option")).to_have_count(2)
    assert 400 < select.locator("option").count() < 450
    audit(page, name(t, viewport, "profile"))
    select.scroll_into_view_if_needed()
    shoot(page, name(t, viewport, "profile-time-zone"))

    # Another zone is chosen by its country and city, and is suggested first next time.
    select.select_option("America/New_York")
    page.get_by_role("button", name=re.compile(r"^\s*(Save my profile|Enregistrer)")).click()
    expect(page.locator(".message-success")).to_be_visible()
    assert User.objects.get(email=email).time_zone == "America/New_York"
    select = page.get_by_label(label(words["time_zone"]))
    expect(select).to_have_value("America/New_York")
    expect(page.locator("select[name=time_zone] optgroup").first.locator("option")).to_have_count(2)
    expect(page.locator("time.member-since")).to_have_text(re.compile(r" (EST|EDT)$"))


def test_the_old_set_password_link_says_it_no_longer_works(new_page, audit):
    page = new_page()
    page.goto("/accounts/signup/")
    fill_sign_up(page, EN, "ada@example.eu")
    page.get_by_role("button", name=exactly(EN["create_account"])).click()
    first = link_in_last_email(mail.outbox, "ada@example.eu")
    page.goto("/accounts/password/reset/")
    page.get_by_label(label(EN["email"])).fill("ada@example.eu")
    page.get_by_role("button", name=exactly("Send me a link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mailbox")
    page.goto(first)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    # The page there sends a new link, which works.
    page.get_by_label(label(EN["email"])).fill("ada@example.eu")
    page.get_by_role("button", name=exactly("Send a new link")).click()
    page.goto(path_of(re.search(r"https?://\S+", mail.outbox[-1].body).group(0)))
    expect(page.get_by_role("heading", level=1)).to_have_text(EN["set_password"])
    audit(page, "accounts-set-password-after-new-link-en")
