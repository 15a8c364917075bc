from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = "Organisations"

    def ready(self):
        # The sentences of this app's in-portal notices (accounts knows nothing of members).
        from accounts import notifications
        from entities import members

        notifications.register(members.SENTENCES)
        # Download my data and Delete my account (accounts.slots hooks): this
        # app's part, as accounts knows nothing of organisations.
        from accounts.slots import account_deleting, deletion_blockers, personal_data
        from entities import personal_data as mine

        personal_data.register(mine.export)
        deletion_blockers.register(mine.deletion_blockers)
        account_deleting.register(mine.account_deleting)
