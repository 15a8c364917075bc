"""Derived data kept in step with the lower apps' rows (no workflow here).

The requests' search column copies people's names and e-mails and
organisations' names and identifiers; when one of those rows is saved with
such a field changed (the profile, the admin, a change approved...), its
requests' search text is rewritten.
"""

from requests_app import search

_PERSON = set(search.PERSON_FIELDS)
_ORGANISATION = set(search.ORGANISATION_FIELDS)


def person_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not _PERSON & set(update_fields)):
        return  # a new person has no request; a log-in only stamps last_login
    search.refresh_for_person(instance)


def organisation_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not _ORGANISATION & set(update_fields)):
        return
    search.refresh_for_organisation(instance)


def validators_keep_their_permissions(sender, using="default", **kwargs):
    """After each migrate, an existing Validators group gets exactly VALIDATOR_PERMISSIONS
    (a release that adds one, as issue 15 added seeing operators, needs no manual step).
    The group itself is made by create_validator."""
    from django.contrib.auth.models import Group

    from requests_app.services import VALIDATORS_GROUP, validators_group

    if Group.objects.using(using).filter(name=VALIDATORS_GROUP).exists():
        validators_group()


def connect() -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_migrate, post_save

    from entities.models import Organisation

    post_migrate.connect(
        validators_keep_their_permissions,
        sender=apps.get_app_config("requests_app"),
        dispatch_uid="requests.validators_permissions",
    )
    post_save.connect(person_saved, sender=get_user_model(), dispatch_uid="requests.person")
    post_save.connect(organisation_saved, sender=Organisation, dispatch_uid="requests.org")
