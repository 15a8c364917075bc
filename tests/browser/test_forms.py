"""Forms in a real browser: the error summary (focused, linked to its fields) and a
language switch in the middle of a form that keeps what was typed."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.portal import EN, FR, exactly, label

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("t", "viewport"), [(EN, None), (FR, None), (EN, PHONE)])
def test_the_error_summary_is_focused_and_leads_to_each_field(new_page, audit, shoot, t, viewport):
    page = new_page(locale=t["lang"], viewport=viewport)
    page.goto("/accounts/signup/")
    page.get_by_label(label(t["last_name"])).fill("Lovelace")
    page.get_by_role("button", name=exactly(t["create_account"])).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert links.count() >= 4  # first name, e-mail twice, code, privacy
    first = links.first
    expect(first).to_have_text("Enter your first name" if t is EN else "Saisissez votre prénom")
    first.click()
    expect(page.get_by_label(label(t["first_name"]))).to_be_focused()
    # The same error beside the field, tied to it for screen readers.
    field = page.get_by_label(label(t["first_name"]))
    expect(field).to_have_attribute("aria-invalid", "true")
    prefix = "phone/" if viewport else ""
    audit(page, f"{prefix}sign-up-errors-{t['lang']}")
    shoot(page, f"{prefix}error-summary-{t['lang']}")


def test_changing_the_language_keeps_what_was_typed(new_page):
    page = new_page()
    page.goto("/accounts/signup/")
    page.get_by_label(label(EN["first_name"])).fill("Ada")
    page.get_by_label(label(EN["last_name"])).fill("Lovelace")
    page.get_by_label(label(EN["email"])).fill("ada@example.eu")
    page.get_by_label("Language", exact=True).select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_label(label(FR["first_name"]))).to_have_value("Ada")
    expect(page.get_by_label(label(FR["last_name"]))).to_have_value("Lovelace")
    expect(page.get_by_label(label(FR["email"]))).to_have_value("ada@example.eu")
    # Once put back, it is forgotten: a later visit starts empty.
    page.goto("/accounts/signup/")
    expect(page.get_by_label(label(FR["first_name"]))).to_have_value("")
