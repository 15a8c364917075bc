"""Translate environment URLs into Django 6.1 settings that django-environ does not know yet."""

from __future__ import annotations

import environ

# django-environ's option names (Django < 6.1 settings) -> MAILERS OPTIONS.
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
}


def mailers_from_url(url: str) -> dict:
    """Map an EMAIL_URL (``consolemail://``, ``filemail:///dir``, ``smtp://...``) onto MAILERS.

    Django 6.1 replaces EMAIL_BACKEND/EMAIL_* with MAILERS, and mixing them is an
    error, so only MAILERS is ever set.
    """
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    options: dict = {}
    if backend.endswith("filebased.EmailBackend"):
        # django-environ drops the leading slash of filemail:///abs/dir.
        path = config["EMAIL_FILE_PATH"]
        options["file_path"] = path if path.startswith("/") else "/" + path
    elif backend.endswith("smtp.EmailBackend"):
        options = {
            name: config[key] for key, name in _SMTP_OPTIONS.items() if config.get(key) is not None
        }
        options.setdefault("timeout", 10)
    return {"default": {"BACKEND": backend, "OPTIONS": options}}
