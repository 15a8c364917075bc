from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Authorisation requests")

    def ready(self):
        # Fill the lower apps' slots and give accounts this app's sentences:
        # they know nothing of requests (dependencies run one way).
        from accounts import notifications as account_notifications
        from accounts.slots import (
            account_deleting,
            deletion_blockers,
            personal_data,
            profile_sections,
        )
        from entities.slots import directory_footer, organisation_actions
        from requests_app import notifications, panels, signals
        from requests_app import personal_data as mine

        account_notifications.register(notifications.SENTENCES)
        profile_sections.register(panels.profile_requests)
        organisation_actions.register(panels.organisation_request)
        organisation_actions.register(panels.organisation_change)
        directory_footer.register(panels.directory_create_operator)
        signals.connect()
        # Download my data and Delete my account (accounts.slots hooks).
        personal_data.register(mine.export)
        deletion_blockers.register(mine.deletion_blockers)
        account_deleting.register(mine.account_deleting)
