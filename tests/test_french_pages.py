"""Issue 13, item 8: the French pages as a French civil servant would sign them.

Every page a person reads in French has a no-break space before : ; ? and !
(tests/test_translations.py checks the catalogues; this checks what is rendered,
the libraries' words and the templates' own punctuation included), statuses
agree in gender, an authority takes its article, and the libraries' defaults
are replaced.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from requests_app.services import request_reject
from tests.test_translations import breaking_spaces

FRENCH = {"accept-language": "fr"}
# Inline elements run into the text around them; the others end a line of text.
INLINE = {
    "a",
    "abbr",
    "b",
    "code",
    "em",
    "i",
    "kbd",
    "label",
    "small",
    "span",
    "strong",
    "sup",
    "time",
}
# Attributes a person reads or hears.
READ = ("placeholder", "title", "aria-label", "alt")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skip += 1
        if tag not in INLINE:
            self.parts.append("\n")
        for name, value in attrs:
            if value and (
                name in READ
                or (
                    tag == "input"
                    and name == "value"
                    and dict(attrs).get("type") in ("submit", "button")
                )
            ):
                self.parts.append(f"\n{value}\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.skip -= 1
        if tag not in INLINE:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    # Lines as a person reads them: a sign first on its line follows the line before.
    lines = [line.strip(" \t") for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line.strip())


def test_the_check_reads_text_across_inline_tags():
    assert breaking_spaces(visible_text("<p><strong>Motif</strong> : non</p>")) != []
    assert breaking_spaces(visible_text("<p><strong>Motif</strong>\u00a0: non</p>")) == []
    assert breaking_spaces(visible_text('<input type="submit" value="Envoyer ?">')) != []
    assert breaking_spaces(visible_text("<script>a ? b : c</script>")) == []


def assert_reads_right(response):
    assert response.status_code in (200, 400), response.status_code
    assert response["content-language"] == "fr"
    text = visible_text(response.content.decode())
    assert breaking_spaces(text) == []


@pytest.fixture
def french(client, db):
    client.defaults.update({"HTTP_ACCEPT_LANGUAGE": "fr"})
    return client


def log_in_french(client, user):
    user.interface_language = "fr"
    user.save()
    client.force_login(user)


def test_the_welcome_page(french):
    assert_reads_right(french.get(reverse("welcome")))


def test_the_sign_up_page_and_its_errors(french):
    assert_reads_right(french.get(reverse("account_signup")))
    response = french.post(reverse("account_signup"), {"email": "not an address", "captcha_1": "x"})
    assert "error-summary" in response.content.decode()
    assert_reads_right(response)


def test_the_log_in_page_and_its_error(french):
    assert_reads_right(french.get(reverse("account_login")))
    assert_reads_right(french.post(reverse("account_login"), {"login": "a@b.eu", "password": "x"}))


def test_the_directory_searched_and_empty(french, applicant, operator):
    log_in_french(french, applicant)
    assert_reads_right(french.get(reverse("entities:operators"), {"name": "Bio"}))
    assert_reads_right(french.get(reverse("entities:operators"), {"name": "zzzz"}))


def test_the_organisation_page_and_the_request_form(french, applicant, operator):
    log_in_french(french, applicant)
    assert_reads_right(french.get(reverse("entities:organisation", args=[operator.pk])))
    assert_reads_right(french.get(reverse("requests:request_create", args=[operator.pk])))


def test_the_profile_with_a_request(french, pending_request):
    log_in_french(french, pending_request.applicant)
    assert_reads_right(french.get(reverse("accounts:profile")))
    assert_reads_right(french.get(reverse("home")))


def test_a_request_page_its_confirmation_and_its_rejection(french, pending_request, operator_admin):
    log_in_french(french, pending_request.applicant)
    assert_reads_right(french.get(reverse("requests:detail", args=[pending_request.pk])))
    assert_reads_right(french.get(reverse("requests:sent", args=[pending_request.pk])))
    assert_reads_right(french.get(reverse("requests:withdraw", args=[pending_request.pk])))
    log_in_french(french, operator_admin)
    assert_reads_right(french.get(reverse("requests:approve", args=[pending_request.pk])))
    assert_reads_right(french.get(reverse("requests:to_decide")))


def test_the_validators_pages(french, pending_request, validator_inao):
    log_in_french(french, validator_inao)
    assert_reads_right(french.get(reverse("admin:index")))
    queue = reverse("admin:requests_app_authorisationrequest_changelist")
    assert_reads_right(french.get(queue, {"q": "Bio"}))
    change = reverse("admin:requests_app_authorisationrequest_change", args=[pending_request.pk])
    assert_reads_right(french.get(change))
    assert_reads_right(french.get(reverse("home")))


# --- agreement, articles, the libraries' words ------------------------------------------


def test_a_request_is_feminine_and_an_operator_masculine(french, pending_request, validator_inao):
    request_reject(request=pending_request, decided_by=validator_inao, reason="Inconnu")
    applicant = pending_request.applicant
    log_in_french(french, applicant)
    profile = html.unescape(french.get(reverse("accounts:profile")).content.decode())
    assert ">Rejetée<" in profile and ">Rejeté<" not in profile
    operator = pending_request.organisation
    type(operator).objects.filter(pk=operator.pk).update(status="rejected")
    page = html.unescape(
        french.get(reverse("entities:organisation", args=[operator.pk])).content.decode()
    )
    assert ">Rejeté<" in page and ">Rejetée<" not in page


def test_an_authority_is_named_with_its_article(french, pending_request):
    log_in_french(french, pending_request.applicant)
    profile = html.unescape(french.get(reverse("accounts:profile")).content.decode())
    assert not re.search(r"\b(par|de|à|pour) (le )?INAO\b", profile)
    assert "l'autorité compétente, INAO" in profile


def test_the_sign_up_code_is_refused_in_plain_french(french, settings, monkeypatch):
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", False)
    response = french.post(reverse("account_signup"), {"captcha_0": "x", "captcha_1": "wrong"})
    page = html.unescape(response.content.decode())
    assert "Code incorrect" in page
    assert "CAPTCHA" not in visible_text(response.content.decode())
