"""The privacy statement (GDPR art. 13) and the accessibility statement (RGAA), on every page."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/help/", "/privacy/", "/accessibility/"])
def test_every_page_links_to_both_statements_in_its_footer(client, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/privacy/">Privacy statement</a>' in footer
    assert 'href="/accessibility/">Accessibility</a>' in footer


def test_a_logged_in_persons_pages_link_to_them_too(client, applicant):
    client.force_login(applicant)
    html = client.get("/profile/").content.decode()
    assert 'href="/accessibility/">Accessibility</a>' in html
    assert 'href="/privacy/">Privacy statement</a>' in html


def test_the_footer_words_in_french(client):
    client.post("/language/", {"language": "fr", "next": "/"})
    html = client.get("/").content.decode()
    assert ">Déclaration de confidentialité</a>" in html
    assert ">Accessibilité</a>" in html


def test_the_privacy_statement_says_everything_article_13_asks(client):
    html = client.get("/privacy/").content.decode().replace("&#x27;", "'")
    for heading in [
        "Who is responsible",
        "Why we keep it, and on what legal basis",
        "What we keep",
        "Who sees it",
        "How long",
        "Your rights, and how to use them here",
        "How to complain",
    ]:
        assert f">{heading}</h2>" in html, heading
    assert "article 6(1)(e)" in html
    assert "Download my data" in html and "Delete my account" in html
    assert "Commission nationale de l'informatique et des libertés (CNIL)" in html
    assert 'href="https://www.cnil.fr/fr/plaintes"' in html
    assert "3 years is deleted" in html  # INACTIVE_ACCOUNT_YEARS


@override_settings(
    PRIVACY_CONTROLLER_NAME="Agence Bio Test",
    PRIVACY_CONTROLLER_ADDRESS="1 rue de l'Exemple, 75000 Paris",
    PRIVACY_CONTROLLER_EMAIL="contact@agence.example",
    PRIVACY_DPO_NAME="Dora Protect",
    PRIVACY_DPO_EMAIL="dpo@agence.example",
    INACTIVE_ACCOUNT_YEARS=5,
    PRIVACY_LOG_RETENTION_MONTHS=6,
)
def test_the_controller_and_the_dpo_come_from_the_settings(client):
    html = client.get("/privacy/").content.decode()
    assert "Agence Bio Test" in html
    assert "1 rue de l&#x27;Exemple, 75000 Paris" in html
    assert 'href="mailto:contact@agence.example"' in html
    assert "Dora Protect" in html
    assert 'href="mailto:dpo@agence.example"' in html
    assert "5 years is deleted" in html
    assert "The security log: 6 months." in html


def test_the_controller_and_the_dpo_are_read_from_the_environment():
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='traces.settings'; "
        "from django.conf import settings as s; "
        "print(s.PRIVACY_CONTROLLER_NAME, s.PRIVACY_DPO_EMAIL, s.ACCESSIBILITY_EMAIL, "
        "s.ACCESSIBILITY_STATEMENT_DATE, s.INACTIVE_ACCOUNT_YEARS)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": "/dev/null",
        "DEBUG": "on",
        "PRIVACY_CONTROLLER_NAME": "Ctrl",
        "PRIVACY_DPO_EMAIL": "dpo@x.example",
        "ACCESSIBILITY_EMAIL": "a11y@x.example",
        "ACCESSIBILITY_STATEMENT_DATE": "2027-01-15",
        "INACTIVE_ACCOUNT_YEARS": "2",
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter, a fixed program
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["Ctrl", "dpo@x.example", "a11y@x.example", "2027-01-15", "2"]


def test_the_accessibility_statement_has_the_rgaa_form(client):
    html = client.get("/accessibility/").content.decode()
    for heading in [
        "Conformity status",
        "How it was tested",
        "What is not accessible",
        "Feedback and contact",
        "Enforcement procedure",
    ]:
        assert f">{heading}</h2>" in html, heading
    assert "<strong>partially compliant</strong>" in html
    assert "RGAA 4.1.2" in html and "2016/2102" in html
    assert "axe-core" in html and "keyboard alone" in html
    assert "Défenseur des droits" in html
    assert '<time datetime="2026-12-01">1 December 2026</time>' in html


@override_settings(ACCESSIBILITY_EMAIL="a11y@agence.example")
def test_the_accessibility_feedback_address_comes_from_the_settings(client):
    html = client.get("/accessibility/").content.decode()
    assert 'href="mailto:a11y@agence.example"' in html


@pytest.mark.parametrize("url", ["/privacy/", "/accessibility/"])
def test_both_statements_read_in_french(client, url):
    client.post("/language/", {"language": "fr", "next": "/"})
    html = client.get(url).content.decode()
    assert '<html lang="fr">' in html
    if url == "/privacy/":
        assert "<h1>Déclaration de confidentialité</h1>" in html
        assert "Vos droits" in html
    else:
        assert "<h1>Déclaration d'accessibilité</h1>" in html.replace("&#x27;", "'")
        assert "État de conformité" in html


@pytest.mark.parametrize("url", ["/privacy/", "/accessibility/"])
@override_settings(REQUIRE_VALIDATOR_MFA=True)
def test_a_validator_without_a_second_factor_can_still_read_them(client, validator, url):
    client.force_login(validator)
    assert client.get(url).status_code == 200
