from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Domain-free helpers every app may use (text validators, form helpers,
    formatting, page slots); it uses none of the portal's apps."""

    name = "core"
    verbose_name = "Core"
