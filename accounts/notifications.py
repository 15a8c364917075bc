"""The sentences of in-portal notifications, registered by the apps that send them.

    # an upper app's AppConfig.ready()
    notifications.register({"request.approved": _("Your request to join %(organisation)s ...")})

A sentence is a lazy translation with `%(name)s` placeholders: `actor` (the
person the notification is about) and the keys of the notification's `params`.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_SENTENCES: dict[str, Promise | str] = {}
_UNKNOWN = _("You have a new notification.")


def register(sentences: dict[str, Promise | str]) -> None:
    _SENTENCES.update(sentences)


def sentence_for(verb: str):
    return _SENTENCES.get(verb, _UNKNOWN)
