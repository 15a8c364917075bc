import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import EU_LANGUAGES
from core.text import validate_one_line

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in TIME_ZONES]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A natural person, identified by e-mail.

    Names appear on certificates, so accounts are never shared.
    """

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=100, validators=[validate_one_line])
    last_name = models.CharField(_("last name"), max_length=100, validators=[validate_one_line])
    email_language = models.CharField(
        _("e-mail language"), max_length=2, choices=EU_LANGUAGES, default="en"
    )
    interface_language = models.CharField(
        _("interface language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Paris"
    )
    notify_decisions_by_email = models.BooleanField(
        _("e-mail me the decisions on my requests"), default=True
    )
    notify_new_requests_by_email = models.BooleanField(
        _("e-mail me new requests I can decide"), default=True
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Part of every set-password link's hash (accounts.tokens): a new value each time
    # a link is sent, so that the newest link alone works.
    password_link_nonce = models.CharField(
        _("password link nonce"), max_length=32, blank=True, default="", editable=False
    )

    # Set when the account is deleted (by its owner, or after years without a
    # log-in): the row stays, nameless, for the histories and decisions that
    # point at it, and shows as "Deleted user" and this pseudonym.
    pseudonym = models.CharField(
        _("pseudonym"), max_length=16, blank=True, default="", editable=False
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    # When the person was warned that their account, unused for years, will be
    # deleted a month later unless they log in (delete_inactive_accounts).
    inactivity_warned_at = models.DateTimeField(
        _("warned of inactivity"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # One account per address, whatever its case.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        if self.pseudonym:
            return _("Deleted user %(pseudonym)s") % {"pseudonym": self.pseudonym}
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def get_short_name(self):
        return self.first_name

    @property
    def must_use_second_factor(self) -> bool:
        """Staff (validators, site administrators) decide who may sign certificates."""
        return self.is_staff or self.is_superuser


class Notification(models.Model):
    """An in-portal notice to one person: what happened, about whom, and where to look.

    Any app may notify: `verb` names the event ("request.approved"), and the app
    that owns it registers the sentence for it (accounts.notifications), so this
    table knows nothing of requests or organisations. The sentence is built when
    shown, in the reader's language, from `params` (plain values such as an
    organisation's name) and from `actor`, the person it is about, read from
    their row: a person who deletes their account appears under their pseudonym.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(_("what"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("about"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count: WHERE user = ? AND read_at IS NULL.
            models.Index(fields=["user", "read_at"], name="accounts_notification_unread"),
            # The list: WHERE user = ? ORDER BY created_at DESC.
            models.Index(fields=["user", "-created_at"], name="accounts_notification_list"),
        ]

    def __str__(self):
        return self.text

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def text(self) -> str:
        from accounts.notifications import sentence_for

        values = _Values(self.params, actor=str(self.actor) if self.actor else _("someone"))
        return sentence_for(self.verb) % values


class _Values(dict):
    """A sentence's values; one it names that an older notification lacks shows as a dash."""

    def __missing__(self, key):
        return "–"
