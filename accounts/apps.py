from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import (
            audit,
            session_security,
            signals,  # noqa: F401  (verifies the address once a password is set)
        )

        audit.connect()  # security events in the log (ASVS 16.x)
        session_security.connect()  # stamps the log-in time of a session
