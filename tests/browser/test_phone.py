"""At a phone's width: tables become cards that need no sideways scrolling, and still
read as tables (rows, column headers, cells) to a screen reader."""

import pytest
from playwright.sync_api import expect

from entities.tests.factories import OperatorFactory
from tests.browser.conftest import PHONE
from tests.browser.portal import EN, FR

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("t", [EN, FR], ids=["en", "fr"])
def test_the_directory_on_a_phone_shows_status_without_scrolling_sideways(
    new_page, applicant, audit, shoot, t
):

    applicant.interface_language = t["lang"]  # after log-in, the person's own language
    applicant.save()
    for n in range(3):
        OperatorFactory(name=f"Biocoop Rhône {n}", country="FR", city="Lyon")
    page = new_page(locale=t["lang"], viewport=PHONE)
    _log_in(page, applicant, t)
    page.goto("/directory/operators/?name=biocoop")
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    status = page.get_by_role("cell").filter(has_text=t["valid"]).first
    status.scroll_into_view_if_needed()
    expect(status).to_be_in_viewport()
    box = status.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    # Still a table for a screen reader: its column headers, rows and cells.
    expect(page.get_by_role("columnheader", name="Status" if t is EN else "Statut")).to_have_count(
        1
    )
    assert page.get_by_role("row").count() == 4  # the headers' row and three results
    audit(page, f"phone/directory-results-{t['lang']}")
    shoot(page, f"phone/directory-results-{t['lang']}")


def test_the_profile_tables_on_a_phone(new_page, pending_request, audit):
    page = new_page(viewport=PHONE)
    _log_in(page, pending_request.applicant, EN)
    page.goto("/profile/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    status = page.get_by_role("cell").filter(has_text="Pending").first
    status.scroll_into_view_if_needed()
    expect(status).to_be_in_viewport()
    audit(page, "phone/profile-tables")


def _log_in(page, user, t):
    from accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label(t["email"], exact=True).fill(user.email)
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t["log_in"], exact=True).click()
    expect(page.get_by_role("link", name=t["my_profile"])).to_be_visible()
