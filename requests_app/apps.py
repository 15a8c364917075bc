from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Authorisation requests")

    def ready(self):
        # Fill the lower apps' slots and give accounts this app's sentences:
        # they know nothing of requests (dependencies run one way).
        from accounts import notifications as account_notifications
        from accounts.slots import profile_sections
        from entities.slots import directory_footer, organisation_actions
        from requests_app import notifications, panels, signals

        account_notifications.register(notifications.SENTENCES)
        profile_sections.register(panels.profile_requests)
        organisation_actions.register(panels.organisation_request)
        directory_footer.register(panels.directory_create_operator)
        signals.connect()
