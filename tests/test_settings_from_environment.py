"""Settings come from the environment: EMAIL_URL onto Django 6.1's MAILERS."""

from traces.envconfig import mailers_from_url


def test_the_console_is_the_default_development_mailer():
    assert mailers_from_url("consolemail://") == {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    }


def test_filemail_keeps_the_leading_slash_of_an_absolute_directory():
    # django-environ turns filemail:///abs/dir into the relative "abs/dir".
    mailer = mailers_from_url("filemail:///var/mail/traces")["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert mailer["OPTIONS"] == {"file_path": "/var/mail/traces"}


def test_smtp_credentials_and_tls_become_mailer_options():
    mailer = mailers_from_url("smtp+tls://user:secret@mail.example.eu:587")["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "mail.example.eu",
        "port": 587,
        "username": "user",
        "password": "secret",
        "use_tls": True,
        "timeout": 10,
    }


def test_a_filemail_url_really_writes_messages_to_that_directory(tmp_path, settings):
    from django.core import mail

    settings.MAILERS = mailers_from_url(f"filemail://{tmp_path}")
    mail.mailers.default.send_messages(
        [mail.EmailMessage("Hello", "Body", "from@example.eu", ["to@example.eu"])]
    )
    written = list(tmp_path.iterdir())
    assert len(written) == 1
    assert "Subject: Hello" in written[0].read_text()
