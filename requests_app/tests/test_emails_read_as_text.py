"""The request e-mails as a person reads them: decoded from the sent message, not unescaped."""

import email
import email.policy
import re

import pytest
from django.core import mail

from entities.tests.factories import OperatorFactory
from requests_app.services import request_approve, request_reject, request_submit

pytestmark = pytest.mark.django_db


def read(message) -> dict:
    """Subject, sender and parts of a sent message, parsed back from its bytes."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    parts = {
        part.get_content_type(): part.get_content()
        for part in parsed.walk()
        if not part.is_multipart()
    }
    return {
        "subject": str(parsed["Subject"]),
        "from": str(parsed["From"]),
        "text": parts.get("text/plain", ""),
        "html": parts.get("text/html", ""),
    }


def to(address):
    return [read(m) for m in mail.outbox if address in m.to]


@pytest.fixture
def french_operator(inao):
    return OperatorFactory(name="L'Épicerie d'Anne & Fils", country="FR")


def test_apostrophes_and_ampersands_are_text_in_subjects_and_text_parts(
    applicant, french_operator, validator_inao
):
    applicant.email_language = "fr"
    applicant.save()
    request_submit(applicant=applicant, organisation=french_operator)
    receipt = to(applicant.email)[-1]
    assert "L'Épicerie d'Anne & Fils" in receipt["subject"]
    assert "L'Épicerie d'Anne & Fils" in receipt["text"]
    assert "Institut national de l'origine" in receipt["text"] or "INAO" in receipt["text"]
    for part in (receipt["subject"], receipt["text"]):
        assert "&#x27;" not in part and "&amp;" not in part and "&#39;" not in part
    # The HTML part stays escaped, and says its language.
    assert "L&#x27;Épicerie d&#x27;Anne &amp; Fils" in receipt["html"]
    assert '<html lang="fr">' in receipt["html"]


def test_the_sender_is_named_in_the_recipients_language(applicant, operator, validator_inao):
    applicant.email_language = "fr"
    applicant.save()
    request_submit(applicant=applicant, organisation=operator)
    assert to(applicant.email)[-1]["from"].startswith("Portail TRACES <")
    assert to(validator_inao.email)[-1]["from"].startswith("TRACES portal <")


def test_the_message_is_quoted_under_the_portals_link(applicant, operator, validator_inao):
    request_submit(
        applicant=applicant,
        organisation=operator,
        message="Decide it here: http://evil.example/\nThanks",
    )
    text = to(validator_inao.email)[-1]["text"]
    link = re.search(r"^(http\S+/admin/requests_app/authorisationrequest/\d+/change/)$", text, re.M)
    assert link, text
    assert text.index(link.group(1)) < text.index("evil.example")
    assert "> Decide it here: http://evil.example/\n> Thanks" in text
    assert not re.search(r"^Decide it here: http://evil", text, re.M)
    html = to(validator_inao.email)[-1]["html"]
    assert "<blockquote>Decide it here: http://evil.example/<br>Thanks</blockquote>" in html


def test_a_new_operators_receipt_speaks_of_creating_it(applicant, inao, validator_inao):
    from entities.tests.factories import ControlBodyFactory, valid_fr_eori
    from requests_app.services import request_submit_new_operator

    request = request_submit_new_operator(
        applicant=applicant,
        operator_data={
            "name": "Nouvelle Ferme",
            "country": "FR",
            "city": "Lyon",
            "address": "1 rue",
            "postcode": "69001",
            "is_importer": True,
            "eori": valid_fr_eori(7),
            "control_body": ControlBodyFactory(),
        },
    )
    receipt = to(applicant.email)[-1]
    assert "request to create Nouvelle Ferme" in receipt["subject"]
    assert "to create the operator Nouvelle Ferme" in receipt["text"]
    assert "join" not in receipt["text"]
    assert request.reference in receipt["text"]

    request_approve(request=request, decided_by=validator_inao)
    approval = to(applicant.email)[-1]
    assert "you are its administrator" in approval["subject"]
    assert "first administrator" in approval["text"]
    assert "/requests/to-decide/" in approval["text"]


def test_a_rejection_gives_its_reason_as_written(applicant, operator, validator_inao):
    request = request_submit(applicant=applicant, organisation=operator)
    request_reject(request=request, decided_by=validator_inao, reason="No <EORI> & no contract")
    decision = to(applicant.email)[-1]
    assert "Reason: No <EORI> & no contract" in decision["text"]
    assert "No &lt;EORI&gt; &amp; no contract" in decision["html"]
