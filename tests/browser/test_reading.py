"""Pages that read well: errors announced and tied to their fields, a working
skip link, and an accessibility scan that really finds problems."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD as FACTORY_PASSWORD
from accounts.tests.factories import UserFactory
from tests.browser.conftest import AxeReport
from tests.browser.portal import EN, FR, Person, assert_reads_well, exactly, label

pytestmark = pytest.mark.django_db(transaction=True)

ERRORS = """() => {
  const problems = [];
  const selector = "main .errorlist:not(.nonfield), #content .errorlist:not(.nonfield)";
  const errorLists = [...document.querySelectorAll(selector)]
    .filter(list => !list.closest(".error-summary, .errornote"));
  for (const list of errorLists) {
    if (!list.id) {
      problems.push("an error list without an id: " + list.textContent.trim());
      continue;
    }
    const owner = document.querySelector(`[aria-describedby~="${list.id}"]`);
    if (!owner) problems.push(`no field says it is described by #${list.id}`);
    else if (owner.getAttribute("aria-invalid") !== "true")
      problems.push(`#${owner.id} has an error but not aria-invalid`);
  }
  for (const field of document.querySelectorAll("[aria-invalid=true]:not([type=hidden])")) {
    const ids = (field.getAttribute("aria-describedby") || "").split(/\\s+/);
    const text = ids.map(id => document.getElementById(id)).filter(Boolean)
      .filter(el => el.classList.contains("errorlist")).map(el => el.textContent.trim()).join(" ");
    if (!text) problems.push(`#${field.id} is invalid but no error text describes it`);
    if (!field.labels || !field.labels.length) {
      if (!field.getAttribute("aria-label")) problems.push(`#${field.id} has no label`);
    }
  }
  return {problems, lists: errorLists.length};
}"""


def assert_errors_announced_and_tied(page, expected_fields: int):
    """An alert sums the errors up; each error is read out with its field."""
    alert = page.locator(".error-summary[role=alert], [role=alert] .errorlist, .errornote").first
    expect(alert).to_be_visible()
    result = page.evaluate(ERRORS)
    assert not result["problems"], f"{page.url}: {result['problems']}"
    assert result["lists"] >= expected_fields, result


def test_the_accessibility_scan_finds_real_problems(page):
    page.set_content(
        "<html><head><title>Bad</title></head><body>"
        "<img src='x.png'><input type='text'>"
        "<p style='color:#bbb;background:#fff'>Faint text</p></body></html>"
    )
    found = {v["id"]: v["impact"] for v in AxeReport().run(page, "self-check")}
    assert found["image-alt"] == "critical"
    assert found["label"] == "critical"
    assert found["html-has-lang"] == "serious"
    assert found["color-contrast"] == "serious"


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page):
    page.goto("/help/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is inside the main content, not back in the header.
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("t", [EN, FR], ids=["en", "fr"])
def test_sign_up_errors_are_announced_and_tied_to_their_fields(new_page, audit, t):
    page = new_page(locale=t["lang"])
    page.goto("/accounts/signup/")
    page.get_by_label(label(t["email"])).fill("camille@example.fr")
    page.get_by_label(label(t["confirm_email"])).fill("camille@example.com")
    page.get_by_label(label(t["code"])).fill("WRONG")
    page.get_by_role("button", name=exactly(t["create_account"])).click()
    assert_errors_announced_and_tied(page, expected_fields=4)
    assert_reads_well(page, t)
    audit(page, f"{t['lang']}/sign-up-with-errors")


def test_log_in_errors_are_announced(page, audit):
    page.goto("/accounts/login/")
    page.get_by_label(label("E-mail")).fill("nobody@example.eu")
    page.get_by_label(label("Password")).fill("not the password at all")
    page.get_by_role("button", name=exactly("Log in")).click()
    expect(page.locator("[role=alert]").first).to_be_visible()
    assert_reads_well(page, EN)
    audit(page, "log-in-with-errors")


def test_new_operator_errors_are_announced_and_tied_to_their_fields(page, reference_data, audit):
    UserFactory(email="anne@example.eu")
    person = Person(page, EN, "anne@example.eu")
    person.log_in(password=FACTORY_PASSWORD)
    page.goto("/directory/operators/")
    person.search("nothing like it")
    page.get_by_role("link", name=exactly("Create a new operator")).click()
    page.get_by_label(label("EORI number")).fill("FR123")
    page.get_by_label(label("Organic importer")).check()
    page.get_by_role("button", name=exactly("Create a new operator")).click()
    assert_errors_announced_and_tied(page, expected_fields=5)
    assert_reads_well(page, EN)
    audit(page, "new-operator-with-errors")


def test_a_rejection_without_a_reason_is_refused_with_the_reason_marked(
    new_page, pending_request, validator_inao, audit
):
    page = new_page()
    page.goto("/admin/")
    page.get_by_label(label("E-mail")).fill(validator_inao.email)
    page.get_by_label(label("Password")).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name=exactly("Log in")).click()
    page.goto(f"/admin/requests_app/authorisationrequest/{pending_request.pk}/change/")
    page.get_by_role("button", name=exactly("Reject")).click()
    expect(page.get_by_label(label("Reason"))).to_be_visible()
    assert_errors_announced_and_tied(page, expected_fields=1)
    audit(page, "admin-reject-without-reason")


def test_an_operator_administrator_rejecting_without_a_reason_is_told_where(
    new_page, pending_request, operator_admin, audit
):
    person = Person(new_page(), EN, operator_admin.email)
    person.log_in(password=FACTORY_PASSWORD)
    person.page.goto(f"/requests/{pending_request.pk}/")
    person.page.get_by_role("button", name=exactly("Reject")).click()
    assert_errors_announced_and_tied(person.page, expected_fields=1)
    assert_reads_well(person.page, EN)
    audit(person.page, "request-reject-without-reason")
