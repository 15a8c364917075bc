"""The interface contract's French words."""

from django.urls import reverse


def test_the_role_choice_and_request_dialog_speak_french(client, applicant, operator):
    applicant.interface_language = "fr"
    applicant.save()
    client.force_login(applicant)
    home = client.get(reverse("home")).content.decode()
    for word in ["Opérateur", "Organisme de contrôle AB", "Autorité"]:
        assert f">{word}</a>" in home
    page = client.get(reverse("entities:organisation", args=[operator.pk])).content.decode()
    assert "Demande d&#x27;autorisation" in page or "Demande d'autorisation" in page
    dialog = client.get(reverse("requests:request_create", args=[operator.pk])).content.decode()
    assert "Envoyer la demande d" in dialog
    assert "Message" in dialog


def test_statuses_show_in_french_on_the_profile(client, pending_request):
    applicant = pending_request.applicant
    applicant.interface_language = "fr"
    applicant.save()
    client.force_login(applicant)
    content = client.get(reverse("accounts:profile")).content.decode()
    assert "En attente" in content
    assert "Mes demandes" in content
