"""Workflows of the identity app: e-mail in the recipient's language, in-portal notifications."""

from __future__ import annotations

import datetime
import json
import secrets
import time
from collections.abc import Iterator
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Notification, User
from accounts.tasks import deliver_email


def email_language_for(language: str | None) -> str:
    """The recipient's e-mail language where the portal has a translation, else English."""
    available = {code for code, _name in settings.LANGUAGES}
    return language if language in available else "en"


def render_email(*, template_prefix: str, context: dict, language: str | None) -> dict:
    """Render `<prefix>_subject.txt`, `<prefix>_message.txt` and `<prefix>_message.html` if any.

    In the recipient's language. The subject and the text part are text: they are
    rendered without HTML escaping (an apostrophe stays an apostrophe); the HTML
    part is escaped as every page is, and says its language.
    """
    language = email_language_for(language)
    with translation.override(language):
        context = {**context, "LANGUAGE_CODE": language}
        subject = " ".join(
            render_to_string(f"{template_prefix}_subject.txt", context, using="text").splitlines()
        ).strip()
        body = render_to_string(f"{template_prefix}_message.txt", context, using="text").strip()
        try:
            html = render_to_string(f"{template_prefix}_message.html", context).strip()
        except TemplateDoesNotExist:
            html = ""
        sender = formataddr((str(_("TRACES portal")), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    return {
        "subject": f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        "body": body,
        "html": html,
        "from_email": sender,
    }


def email_send(*, to: str, template_prefix: str, context: dict, language: str | None) -> None:
    """Render now (in the recipient's language), deliver later through the task queue."""
    message = render_email(template_prefix=template_prefix, context=context, language=language)
    # One Message-ID for every attempt: a retry after a doubtful failure (the server
    # took the message, then the connection broke) is the same message, which the
    # mail system can recognise.
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
    message.update(to=[to], headers={"Message-ID": make_msgid(domain=domain)})
    deliver_email.enqueue(message=message)


def email_verify(*, user) -> None:
    """Mark the person's address verified (the set-password link proved it)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)


def email_proven_remember(*, request, email: str) -> None:
    """An address the person has just proven they hold, by opening a link sent to it
    (an invitation, say): sign-up offers it already typed, and an account made with it
    is verified at once, with no set-password e-mail to wait for (allauth's stash of
    a verified address, which its sign-up reads)."""
    from allauth.account.adapter import get_adapter

    get_adapter(request).stash_verified_email(request, email)


def email_taken(*, email: str, by_other_than=None) -> bool:
    """Whether another account logs in with, or has confirmed, this address."""
    from allauth.account.models import EmailAddress

    others = User.objects.filter(email__iexact=email)
    confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True)
    if by_other_than is not None:
        others = others.exclude(pk=by_other_than.pk)
        confirmed = confirmed.exclude(user=by_other_than)
    return others.exists() or confirmed.exists()


SIGNUP_EMAIL_KEY = "accounts.signup_email"


def signup_email_remember(*, session, email: str) -> None:
    """Keep the address typed at sign-up in this browser's session, for its
    check-your-mailbox page (which offers to send the link again)."""
    session[SIGNUP_EMAIL_KEY] = {"email": email, "at": int(time.time())}


def signup_email_recall(*, session) -> str:
    """The address typed at sign-up in this browser, while its link may still be waited
    for (PASSWORD_RESET_TIMEOUT); after that, nothing: a later visitor at the same
    computer is not shown it."""
    kept = session.get(SIGNUP_EMAIL_KEY) or {}
    if time.time() - kept.get("at", 0) > settings.PASSWORD_RESET_TIMEOUT:
        return ""
    return kept.get("email", "")


@transaction.atomic
def password_link_renew(*, user: User) -> None:
    """A new value in the person's set-password links: every link sent before stops working.

    Called by accounts.tokens each time a link is made (sign-up, forgot password).
    """
    user.password_link_nonce = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(password_link_nonce=user.password_link_nonce)


def notification_create(*, user, verb: str, actor=None, url: str = "", **params):
    """Tell one person something in the portal (accounts.notifications has the sentences)."""
    return Notification.objects.create(user=user, verb=verb, actor=actor, url=url, params=params)


def notifications_create(*, users, verb: str, actor=None, url: str = "", **params) -> None:
    """The same notice to several people, in one statement."""
    Notification.objects.bulk_create(
        Notification(user=user, verb=verb, actor=actor, url=url, params=params) for user in users
    )


def notification_read(*, notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_read_all(*, user) -> None:
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- Sessions (allauth.usersessions) ------------------------------------------------


def sessions_active(*, user) -> list:
    """The person's sessions that still let them in, the latest seen first.

    Two queries however many sessions the person has: their rows
    (allauth.usersessions), then the session store's rows that are still alive
    (sessions_alive). Rows whose session has gone (logged out, ended, expired, or
    no longer this person's: a password changed elsewhere) are deleted, in one
    more query when there are any, as allauth's own list does. Those past the idle
    or the absolute limit (accounts.session_security) are not shown: their next
    request logs them out. A session's last-seen time is written once a minute.
    """
    from allauth.usersessions.models import UserSession

    now = timezone.now()
    idle_limit = settings.SESSION_IDLE_TIMEOUT + 60
    rows = list(UserSession.objects.filter(user=user))
    alive_keys = sessions_alive(user=user, session_keys=[row.session_key for row in rows])
    gone = [row.pk for row in rows if row.session_key not in alive_keys]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    alive = [
        session
        for session in rows
        if session.session_key in alive_keys
        and (now - session.last_seen_at).total_seconds() <= idle_limit
        and (now - session.created_at).total_seconds() <= settings.SESSION_ABSOLUTE_TIMEOUT
    ]
    return sorted(alive, key=lambda session: session.last_seen_at, reverse=True)


def sessions_alive(*, user, session_keys) -> set[str]:
    """Those of these session keys whose session still logs `user` in, in one query.

    What django.contrib.auth.get_user checks when the session comes back: not
    expired, this person, an authentication backend still configured, and the
    hash of their password (or one made with a SECRET_KEY_FALLBACKS key). The
    session table is read through its engine's model (the db and cached_db
    engines both write it); a store without a table (cache, signed cookies) is
    asked about each session, as allauth does.
    """
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import constant_time_compare

    if not session_keys:
        return set()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        from allauth.usersessions.models import UserSession

        return {
            row.session_key
            for row in UserSession.objects.purge_and_list(user)
            if row.session_key in session_keys
        }
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    alive = set()
    for row in store.get_model_class().objects.filter(
        session_key__in=session_keys, expire_date__gt=timezone.now()
    ):
        data = row.get_decoded()
        session_hash = data.get(HASH_SESSION_KEY) or ""
        if (
            data.get(SESSION_KEY) == str(user.pk)
            and data.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
            and any(constant_time_compare(session_hash, known) for known in hashes)
        ):
            alive.add(row.session_key)
    return alive


def sessions_end(*, sessions) -> None:
    """Log these sessions out: their cookies no longer open anything."""
    from allauth.usersessions.adapter import get_adapter

    get_adapter().end_sessions(list(sessions))


def sessions_end_others(*, user, current_session_key: str) -> int:
    from allauth.usersessions.models import UserSession

    others = list(UserSession.objects.filter(user=user).exclude(session_key=current_session_key))
    sessions_end(sessions=others)
    return len(others)


def sessions_purge() -> dict:
    """Delete what is left of sessions that no longer let anyone in (daily; idempotent).

    The session table's expired rows (Django's clearsessions, for any engine), then
    the rows of allauth.usersessions (browser, IP address, times) whose session has
    gone or is past the absolute limit: nothing else deletes those of a session
    that was left to expire, and the privacy notice says a session lasts 8 hours
    at most.
    """
    from importlib import import_module

    from allauth.usersessions.models import UserSession
    from django.core.management import call_command

    call_command("clearsessions")
    now = timezone.now()
    gone = UserSession.objects.filter(
        created_at__lt=now - datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store, "get_model_class"):
        alive = store.get_model_class().objects.filter(expire_date__gt=now)
        gone = gone | UserSession.objects.exclude(session_key__in=alive.values("session_key"))
    deleted, _per_model = gone.delete()
    return {"user_sessions": deleted}


# --- Download my data (GDPR art. 15 and 20) -----------------------------------------

EXPORT_FORMAT = "traces-personal-data"
EXPORT_VERSION = 1


def utc(value) -> str | None:
    """A time in the export: ISO 8601 in UTC, to the second ("2026-12-01T15:53:07Z")."""
    if value is None:
        return None
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _identity_parts(*, user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    notifications = (
        Notification.objects.filter(user=user).select_related("actor").order_by("created_at", "pk")
    )
    return {
        "identity": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": utc(user.date_joined),
            "last_login": utc(user.last_login),
            "staff": user.is_staff,
        },
        "preferences": {
            "email_language": user.email_language,
            "interface_language": user.interface_language,
            "time_zone": user.time_zone,
            "notify_decisions_by_email": user.notify_decisions_by_email,
            "notify_new_requests_by_email": user.notify_new_requests_by_email,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "security": {
            "password_set": user.has_usable_password(),
            "second_factors": [
                {
                    "type": a.type,
                    "name": a.data.get("name", "") if a.type == Authenticator.Type.WEBAUTHN else "",
                    "created_at": utc(a.created_at),
                    "last_used_at": utc(a.last_used_at),
                }
                for a in Authenticator.objects.filter(user=user).order_by("pk")
            ],
            "sessions": [
                {
                    "ip": s.ip,
                    "user_agent": s.user_agent,
                    "created_at": utc(s.created_at),
                    "last_seen_at": utc(s.last_seen_at),
                }
                for s in UserSession.objects.filter(user=user).order_by("created_at", "pk")
            ],
            "inactivity_warned_at": utc(user.inactivity_warned_at),
        },
        "notifications": (
            {
                "created_at": utc(n.created_at),
                "read_at": utc(n.read_at),
                "what": n.verb,
                "text": n.text,
                "link": n.url,
            }
            for n in notifications.iterator(chunk_size=500)
        ),
    }


def personal_data_export(*, user) -> Iterator[str]:
    """Everything the portal holds about a person, as one JSON document, in pieces.

    The identity app's parts, then each upper app's (accounts.slots.personal_data);
    a part that is an iterator is written item by item, so that a long history is
    never held in memory whole. The format is docs/data-export.md.
    """
    from django.core.serializers.json import DjangoJSONEncoder

    from accounts.slots import personal_data

    def dump(value) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, default=str)

    parts = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utc(timezone.now()),
        **_identity_parts(user=user),
    }
    for contribution in personal_data.results(user=user):
        parts.update(contribution)
    yield "{"
    for index, (key, value) in enumerate(parts.items()):
        yield ("," if index else "") + f"\n{dump(key)}: "
        if isinstance(value, Iterator):
            yield "["
            for position, item in enumerate(value):
                yield ("," if position else "") + "\n  " + dump(item)
            yield "\n]"
        else:
            yield dump(value)
    yield "\n}\n"


# --- Delete my account (GDPR art. 17) -------------------------------------------------


class AccountDeletionRefused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


def account_deletion_blockers(*, user) -> list[str]:
    """Why this account may not be deleted now (nothing: it may)."""
    from accounts.slots import deletion_blockers

    reasons = [reason for found in deletion_blockers.results(user=user) for reason in found]
    if not reasons and (user.is_staff or user.is_superuser):
        reasons.append(
            _(
                "Your account has staff access to the validation pages: ask a site "
                "administrator to remove it first."
            )
        )
    return reasons


def _delivered_emails_forget(*, address: str) -> int:
    """The task queue's table keeps a copy of each e-mail it delivered (or gave up on):
    those to this address go. One still waiting is left to be delivered."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return 0
    from django.db.models import TextField
    from django.db.models.functions import Cast
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    finished = DBTaskResult.objects.filter(
        task_path__endswith="deliver_email",
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
    ).annotate(text=Cast("args_kwargs", TextField()))
    return finished.filter(text__icontains=f'"{address}"').delete()[0]


def _new_pseudonym() -> str:
    while True:
        pseudonym = secrets.token_hex(4).upper()
        if not User.objects.filter(pseudonym=pseudonym).exists():
            return pseudonym


@transaction.atomic
def account_delete(*, user: User, reason: str = "owner") -> User:
    """Delete a person's account: what must stay stays under a pseudonym, the rest goes.

    Refused (AccountDeletionRefused) while an upper app says no (the last
    administrator of an organisation, a validator). Otherwise: each upper app
    does its part (pending requests withdrawn, memberships left, messages and
    contact details erased); sessions, second factors, e-mail addresses and
    notifications are deleted; the person's row keeps only a pseudonym, so that
    histories and decisions read "Deleted user 3FA94C1B"; a last e-mail goes to
    the address the account had.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from django.contrib.admin.models import LogEntry

    from accounts.audit import log_event
    from accounts.slots import account_deleting

    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_deleted:
        return user
    reasons = account_deletion_blockers(user=user)
    if reasons:
        raise AccountDeletionRefused(reasons)
    was = {
        "email": user.email,
        "first_name": user.first_name,
        "full_name": user.get_full_name(),
        "language": user.email_language,
    }
    account_deleting.results(user=user)

    sessions_end(sessions=UserSession.objects.filter(user=user))
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()

    user.pseudonym = _new_pseudonym()
    user.deleted_at = timezone.now()
    user.email = f"deleted-{user.pseudonym.lower()}@deleted.invalid"
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.password_link_nonce = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.inactivity_warned_at = None
    defaults = {f.name: f.get_default() for f in User._meta.concrete_fields}
    for name in (
        "email_language",
        "interface_language",
        "time_zone",
        "notify_decisions_by_email",
        "notify_new_requests_by_email",
    ):
        setattr(user, name, defaults[name])
    user.save()
    # The admin's own log names objects by their text ("Marie Curie → Bio Import").
    stored_name = f"Deleted user {user.pseudonym}"
    for needle in {was["full_name"], was["email"]} - {""}:
        for entry in LogEntry.objects.filter(object_repr__contains=needle):
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=entry.object_repr.replace(needle, stored_name)
            )

    _delivered_emails_forget(address=was["email"])
    log_event("account.deleted", user=user, reason=reason)
    email_send(
        to=was["email"],
        template_prefix="accounts/email/account_deleted",
        context={
            "user": {"first_name": was["first_name"]},
            "reason": reason,
            "help_url": settings.PORTAL_URL + reverse("help"),
        },
        language=was["language"],
    )
    return user


# --- Inactive accounts --------------------------------------------------------------

INACTIVITY_GRACE = datetime.timedelta(days=30)


def _years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def inactive_accounts_process(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn the people who have not logged in for INACTIVE_ACCOUNT_YEARS, and delete
    the accounts of those warned a month ago who have not logged in since.

    Idempotent: run it as often as you like, each person is warned once, deleted
    once; a log-in after the warning clears it. An account that may not be deleted
    (its owner is an organisation's last administrator, a validator) is left, and
    counted as kept.
    """
    from django.db.models import F, Q
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    cutoff = _years_before(now, settings.INACTIVE_ACCOUNT_YEARS)
    people = User.objects.filter(deleted_at__isnull=True, is_active=True).annotate(
        seen=Coalesce("last_login", "date_joined")
    )
    counts = {"warned": 0, "deleted": 0, "kept": 0, "back": 0}

    # Logged in since the warning: the warning no longer holds.
    back = people.filter(inactivity_warned_at__isnull=False, seen__gt=F("inactivity_warned_at"))
    counts["back"] = User.objects.filter(pk__in=list(back.values_list("pk", flat=True))).update(
        inactivity_warned_at=None
    )

    for person in people.filter(seen__lt=cutoff, inactivity_warned_at__isnull=True):
        # Conditional: two runs at once warn a person once.
        if User.objects.filter(pk=person.pk, inactivity_warned_at__isnull=True).update(
            inactivity_warned_at=now
        ):
            _inactivity_warn(user=person, deletion_on=now + INACTIVITY_GRACE)
            counts["warned"] += 1

    due = people.filter(
        Q(inactivity_warned_at__lte=now - INACTIVITY_GRACE), seen__lt=F("inactivity_warned_at")
    )
    for person in due:
        try:
            account_delete(user=person, reason="inactive")
        except AccountDeletionRefused:
            counts["kept"] += 1
        else:
            counts["deleted"] += 1
    return counts


def _inactivity_warn(*, user: User, deletion_on: datetime.datetime) -> None:
    with timezone.override(user.time_zone):
        email_send(
            to=user.email,
            template_prefix="accounts/email/inactive_warning",
            context={
                "user": user,
                "years": settings.INACTIVE_ACCOUNT_YEARS,
                "deletion_on": deletion_on,
                "login_url": settings.PORTAL_URL + reverse("account_login"),
                "help_url": settings.PORTAL_URL + reverse("help"),
            },
            language=user.email_language,
        )
