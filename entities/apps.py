from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = "Organisations"

    def ready(self):
        # The sentences of this app's in-portal notices (accounts knows nothing of members).
        from accounts import notifications
        from entities import members

        notifications.register(members.SENTENCES)
