"""Every form follows the error-summary pattern (GOV.UK Design System).

Posted empty or wrong, a form answers with one summary at the top that lists
every error of the page, each a link to its field, in the same words on every
form; each field shows its own error beside it; no message is the library's
"This field is required."
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from entities.tests.factories import ControlBodyFactory

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """The summary's items and links, the fields' own error lists, and every id."""

    def __init__(self):
        super().__init__()
        self.ids, self.summary_links, self.summary_items, self.field_errors = set(), [], [], []
        self._in_summary = self._in_field_errors = 0
        self._stack = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        classes = (attrs.get("class") or "").split()
        self._stack.append(tag)
        if "error-summary" in classes:
            self._in_summary = len(self._stack)
        if self._in_summary and tag == "li":
            self.summary_items.append("")
        if self._in_summary and tag == "a":
            self.summary_links.append(attrs.get("href", ""))
        if "errorlist" in classes and not self._in_summary:
            self._in_field_errors = len(self._stack)
        if self._in_field_errors and tag == "li":
            self.field_errors.append("")

    def handle_endtag(self, tag):
        if self._in_summary == len(self._stack):
            self._in_summary = 0
        if self._in_field_errors == len(self._stack):
            self._in_field_errors = 0
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._in_summary and self.summary_items:
            self.summary_items[-1] += data
        elif self._in_field_errors and self.field_errors:
            self.field_errors[-1] += data


def check(response, *, expect_links: bool = True) -> Page:
    html = response.content.decode()
    page = Page()
    page.feed(html)
    assert "This field is required" not in html
    assert "Please correct" not in html  # one wording: "There is a problem"
    assert html.count('class="error-summary"') == 1
    assert "There is a problem" in html
    items = [" ".join(i.split()) for i in page.summary_items]
    assert items, html
    # Every error beside a field is in the summary, linked to that field.
    for error in page.field_errors:
        assert " ".join(error.split()) in items
    if expect_links:
        assert page.summary_links
    for href in page.summary_links:
        assert href.startswith("#") and href[1:] in page.ids, href
    return page


def test_sign_up_posted_empty_says_what_to_enter(client):
    page = check(client.post(reverse("account_signup"), {}))
    assert "Enter your first name" in page.summary_items[0]
    text = " | ".join(page.summary_items)
    for words in (
        "Enter your last name",
        "Enter your e-mail address",
        "Enter the code shown in the image",
        "Tick the box to accept the privacy statement",
    ):
        assert words in text


def test_log_in_with_nothing_typed_lists_both_fields(client):
    page = check(client.post(reverse("account_login"), {}))
    assert "Enter your e-mail address" in " ".join(page.summary_items)
    assert "Enter your password" in " ".join(page.summary_items)


def test_a_wrong_password_is_a_summary_without_a_field_to_point_at(client, applicant):
    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": "not the right one"}
    )
    page = check(response, expect_links=False)
    assert len(page.summary_items) == 1


def test_the_profile_posted_empty(client, applicant):
    client.force_login(applicant)
    page = check(client.post(reverse("accounts:profile"), {}))
    assert "Enter your first name" in " ".join(page.summary_items)


def test_the_new_operator_form_lists_every_error_with_the_activity(client, applicant):
    ControlBodyFactory()
    client.force_login(applicant)
    client.get(reverse("entities:operators"), {"name": "x"})
    page = check(client.post(reverse("requests:operator_create"), {"eori": "FR1"}))
    text = " | ".join(page.summary_items)
    for words in (
        "Enter the operator's name",
        "Choose the operator's country",
        "Enter the city",
        "Enter the address",
        "Enter the postcode",
        "Tick at least one activity",
        "Choose the control body",
        "French EORI",
    ):
        assert words in text, words
    assert "#id_is_importer" in page.summary_links


def test_the_request_form(client, applicant, operator):
    client.force_login(applicant)
    page = check(
        client.post(
            reverse("requests:request_create", args=[operator.pk]),
            {"contact_email": "", "contact_phone": "12"},
        )
    )
    assert re.search(r"Enter an e-mail address where", " ".join(page.summary_items))


def test_rejecting_without_a_reason(client, pending_request, operator_admin):
    client.force_login(operator_admin)
    response = client.post(reverse("requests:reject", args=[pending_request.pk]), {})
    assert response.status_code == 400
    check(response)
