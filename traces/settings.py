"""Settings for the TRACES registration portal.

Every value comes from the environment (django-environ). A `.env` beside
manage.py is read first when present; variables already set in the
environment win over it. See `.env.example` for the whole list.
"""

import datetime
import shutil
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from traces.envconfig import mailers_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE=/dev/null lets a test or a deployment ignore a developer's .env.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DEBUG is off and {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            "not set. Set them in the environment (see .env.example), or set DEBUG=on "
            "for development."
        )
if not SECRET_KEY:
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - only ever with DEBUG on

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "requests_app.admin_site.PortalAdminConfig",  # django.contrib.admin, its index with the queue
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_countries",
    "phonenumber_field",
    "captcha",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "core",
    "accounts",
    "entities",
    "requests_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The client's address (core.client) for the security log of code without the request.
    "core.client.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.session_security.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.ReplicaReadsMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "accounts.middleware.ValidatorMfaMiddleware",
]

ROOT_URLCONF = "traces.urls"
WSGI_APPLICATION = "traces.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "accounts.context_processors.portal",
            ],
        },
    },
    {
        # Subjects and plain-text parts of e-mails are text, not HTML: the same
        # templates, rendered without HTML escaping (accounts.services.render_email).
        # Pages never use it: the first engine finds every template first.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Django's renderer through the project's templates (templates/captcha/...),
# with the portal's field layout (core/field.html).
FORM_RENDERER = "core.forms.FormRenderer"

# --- Database -------------------------------------------------------------
# SQLite under var/ is the development default only: with DEBUG off the
# database must be named (PostgreSQL in production), never guessed.
if not DEBUG and not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DEBUG is off and DATABASE_URL is not set. Set it to the production database, "
        "e.g. postgres://user@host:5432/traces (see .env.example)."
    )
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two concurrent decisions
    # serialise instead of failing with "database is locked" half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # Tests use a file too, as production would: an in-memory database shared
    # between threads answers "table is locked" at once instead of waiting for
    # the lock, and the race tests need real concurrent connections.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
else:
    # Persistent connections: CONN_MAX_AGE=0 cut search throughput fourfold.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# DATABASE_POOLER=pgbouncer: DATABASE_URL is PgBouncer in transaction pooling, where
# consecutive transactions of one connection may reach different server connections.
# Server-side cursors (named cursors, which outlive a transaction when iterating a
# queryset) and prepared statements cannot work there: the first are switched off;
# the second are off already (psycopg 3 with Django: client-side binding, no
# prepare_threshold). Persistent connections to PgBouncer are cheap and kept; the
# session parameters Django sets (TimeZone) are ones PgBouncer tracks per client.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(
        f"DATABASE_POOLER={DATABASE_POOLER!r}: leave it unset, or set it to pgbouncer."
    )
if DATABASE_POOLER == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# A streaming replica (optional) serves the reads of the directory and the
# organisation pages (core.router, core.middleware): everything else, and any read
# by a person who wrote in the last READ_YOUR_WRITES_SECONDS, goes to the primary;
# so do all reads while the replica is down or lags more than REPLICA_MAX_LAG_SECONDS.
# Without REPLICA_DATABASE_URL the "replica" alias names the primary and no router
# is installed. In tests the replica mirrors the test database (TEST MIRROR).
REPLICA_DATABASE_URL = env.str("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db_url_config(REPLICA_DATABASE_URL)
    for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        if key in DATABASES["default"]:
            DATABASES["replica"][key] = DATABASES["default"][key]
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that is gone must not hold a page for long: the primary serves it.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASE_ROUTERS = ["core.router.ReplicaRouter"]
else:
    DATABASES["replica"] = {
        key: value for key, value in DATABASES["default"].items() if key != "TEST"
    }
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPLICA_READ_VIEWS = [
    "entities:operators",
    "entities:control_bodies",
    "entities:authorities",
    "entities:organisation",
]
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=30)
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=10)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=2)
if READ_YOUR_WRITES_SECONDS <= REPLICA_MAX_LAG_SECONDS:
    raise ImproperlyConfigured(
        "READ_YOUR_WRITES_SECONDS must be longer than REPLICA_MAX_LAG_SECONDS: a person "
        "back on the replica after a write must find the write there."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate-limit counters and the like must be shared by every worker process and
# every app server: the database cache by default (its table is created by a
# migration), or Redis with REDIS_URL (redis://host:port/db; Django's own RedisCache,
# through core.cache, which answers "not cached" while Redis is away: allauth's
# rate limits then refuse, pages are served).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": env.cache("CACHE_URL", default="dbcache://traces_cache")}
# Sessions in the database, never only in a cache: a Redis restart or a killed
# app server logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Tasks (e-mail is sent outside the web request, with retries) ----------
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}

# --- E-mail ---------------------------------------------------------------
# Development prints e-mail to the console; production defaults to the local
# mail server (Django's own default), never to a development-only backend.
MAILERS = mailers_from_url(
    env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
# The sender's address; its display name is the portal's, in the recipient's
# language ("TRACES portal", "Portail TRACES"), whatever name this gives.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="TRACES portal <no-reply@traces.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A refused e-mail is tried again after EMAIL_RETRY_FIRST_SECONDS, then twice as long
# each time, at most EMAIL_RETRY_MAX_SECONDS apart (accounts.tasks).
EMAIL_RETRY_FIRST_SECONDS = env.float("EMAIL_RETRY_FIRST_SECONDS", default=30)
EMAIL_RETRY_MAX_SECONDS = env.float("EMAIL_RETRY_MAX_SECONDS", default=3600)

# --- Identity ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP ASVS 5.0 (6.2.x) and NIST SP 800-63B: length, not composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.BreachedPasswordValidator"},
]
# The breached-password check sends the first five hex digits of the
# password's SHA-1 to a k-anonymity range API; off where the network forbids it.
PASSWORD_BREACH_CHECK = env.bool("PASSWORD_BREACH_CHECK", default=False)
PASSWORD_BREACH_API = env.str(
    "PASSWORD_BREACH_API", default="https://api.pwnedpasswords.com/range/"
)
# Set-password and forgot-password links are valid for 90 minutes.
PASSWORD_RESET_TIMEOUT = 90 * 60

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "welcome"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
# password1 stays (optional) so that the log-in form keeps its password; the
# sign-up form removes it: the password is set through the e-mailed link.
ACCOUNT_SIGNUP_FIELDS = ["email*", "email2*", "password1"]
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.SetPasswordForm",
    "set_password": "accounts.forms.NewPasswordForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
    "add_email": "accounts.forms.ChangeEmailForm",
}
# Change e-mail: one address per person. A new address waits beside the one in
# force (hence allauth's 2, which it requires with CHANGE_EMAIL) until its link
# is opened; then it replaces the old one, which is told, and becomes the log-in.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
# The link to the new address works once (allauth's HMAC key names an address
# not yet confirmed) and for 90 minutes.
EMAIL_CHANGE_LINK_MINUTES = 90
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = EMAIL_CHANGE_LINK_MINUTES / (24 * 60)
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "accounts:profile"
# Changing the e-mail address (and the other account pages of allauth) asks for
# the password, or a second factor, again if the last one is older than 5 minutes.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# A new set-password link replaces the older ones (accounts/tokens.py).
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "accounts.tokens.PasswordLinkTokenGenerator"  # noqa: S105
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Tell people by e-mail when their password or second factor changes (ASVS 6.3.7).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[TRACES] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http" if DEBUG else "https"
)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/5m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    # Download my data (accounts.views.data_download): a few files an hour.
    "download_personal_data": "5/h/user",
}
# A person's sessions (the profile lists them and ends any of them): a row per
# log-in. Its last-seen time is written once a minute by accounts.session_security,
# not by allauth on every request: with USERSESSIONS_TRACK_ACTIVITY off, its
# middleware does nothing (it is there so that the setting alone turns that on).
USERSESSIONS_TRACK_ACTIVITY = False
# Second factors: an authenticator app, passkeys and security keys (WebAuthn),
# and recovery codes for when both are lost. A passkey alone also logs in.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# WebAuthn needs HTTPS, except on http://localhost for development and tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
# The code fields in the portal's words, saying what to type (accounts/forms.py).
MFA_FORMS = {
    "authenticate": "accounts.forms.AuthenticateForm",
    "reauthenticate": "accounts.forms.SecondFactorReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
    "add_webauthn": "accounts.forms.AddWebAuthnForm",
    "edit_webauthn": "accounts.forms.EditWebAuthnForm",
}
MFA_TOTP_ISSUER = "TRACES portal"
# Validators (staff users who may decide requests) must use a second factor.
REQUIRE_VALIDATOR_MFA = env.bool("REQUIRE_VALIDATOR_MFA", default=not DEBUG)

CAPTCHA_TEST_MODE = env.bool("CAPTCHA_TEST_MODE", default=False)
if CAPTCHA_TEST_MODE and not DEBUG:
    # The code PASSED would open sign-up to robots: tests and development only.
    raise ImproperlyConfigured(
        "CAPTCHA_TEST_MODE is on and DEBUG is off: the test code would be accepted in "
        "production. Unset CAPTCHA_TEST_MODE."
    )
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 10  # minutes
# Large enough to read (40 px letters on a 240 x 80 image shown at its size), tilted a
# little, crossed by two arcs but no dots: sign-up is rate-limited, so the image
# need not be hard for people to stop robots. Characters that look alike (O and Q,
# I and 1...) are never drawn (accounts.captcha).
CAPTCHA_FONT_SIZE = 40
CAPTCHA_IMAGE_SIZE = (240, 80)
CAPTCHA_LETTER_ROTATION = (-20, 20)
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_arcs",)
CAPTCHA_CHALLENGE_FUNCT = "accounts.captcha.readable_challenge"
# The double-size image would draw twice as large letters in the same fixed box.
CAPTCHA_2X_IMAGE = False
# An audio version of the code for people who cannot see the image (WCAG 1.1.1),
# wherever the flite speech synthesiser is installed (apt-get install flite).
CAPTCHA_FLITE_PATH = shutil.which("flite")

# Phone numbers are stored in E.164 and shown in the international format.
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# Dates and times as a person writes them, with the zone named (core/formats/):
# "1 December 2026, 16:53 CET", "1 décembre 2026 à 16 h 53 CET". The admin too.
FORMAT_MODULE_PATH = ["core.formats"]

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"  # made by `make setup`; filled by collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed and cached for ever once `collectstatic` has run
        # (make serve); plain files otherwise, so tests and runserver need no build.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Portal -----------------------------------------------------------------
HELPDESK_EMAILS = env.list(
    "HELPDESK_EMAILS", default=["SANTE-TRACES@ec.europa.eu", "AGRI-E-COIORGANIC@ec.europa.eu"]
)
SITE_NAME = "TRACES"
# The privacy statement (GDPR art. 13): who is responsible for the data and
# whom to write to. Defaults name INAO, France's competent authority; a
# deployment for another controller sets its own.
PRIVACY_CONTROLLER_NAME = env.str(
    "PRIVACY_CONTROLLER_NAME", default="Institut national de l'origine et de la qualité (INAO)"
)
PRIVACY_CONTROLLER_ADDRESS = env.str(
    "PRIVACY_CONTROLLER_ADDRESS",
    default="12 rue Henri Rol-Tanguy, TSA 30003, 93555 Montreuil Cedex, France",
)
PRIVACY_CONTROLLER_EMAIL = env.str("PRIVACY_CONTROLLER_EMAIL", default=HELPDESK_EMAILS[0])
PRIVACY_DPO_NAME = env.str("PRIVACY_DPO_NAME", default="")
PRIVACY_DPO_EMAIL = env.str("PRIVACY_DPO_EMAIL", default=PRIVACY_CONTROLLER_EMAIL)
# How long the security log (log-ins, failures, changes of password or second
# factor) is kept where this deployment keeps its logs, in months.
PRIVACY_LOG_RETENTION_MONTHS = env.int("PRIVACY_LOG_RETENTION_MONTHS", default=12)
# Accounts nobody has logged in to for this many years are deleted, a month
# after a warning e-mail (accounts' delete_inactive_accounts command).
INACTIVE_ACCOUNT_YEARS = env.int("INACTIVE_ACCOUNT_YEARS", default=3)
# The accessibility statement (RGAA, directive (EU) 2016/2102): where to write
# about a barrier, and when the statement was last checked.
ACCESSIBILITY_EMAIL = env.str("ACCESSIBILITY_EMAIL", default=HELPDESK_EMAILS[0])
ACCESSIBILITY_STATEMENT_DATE = datetime.date.fromisoformat(
    env.str("ACCESSIBILITY_STATEMENT_DATE", default="2026-12-01")
)

# The portal's public address, for links in e-mails sent outside a request.
PORTAL_URL = env.str(
    "PORTAL_URL", default=f"http://127.0.0.1:{env.str('PORT', default='8000')}"
).rstrip("/")

# Management commands `make serve` runs once a day (manage.py run_daily), each
# idempotent; other deployments run `manage.py run_daily` from cron (README).
DAILY_COMMANDS = ["send_reminders", "delete_inactive_accounts", "purge_sessions"]
# Seconds between two runs of the daily commands under `make serve`.
DAILY_INTERVAL = env.int("DAILY_INTERVAL", default=24 * 60 * 60)

# --- Security headers -------------------------------------------------------
# No inline script or style anywhere: scripts and styles come from our own
# static files; a nonce (csp_nonce in templates) where one is unavoidable.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# ASVS 7.3.1 / 7.3.2 (accounts.session_security): a session ends after 30
# minutes without a request, and 8 hours after log-in whatever happens.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=SESSION_COOKIE_AGE)
# Lax, not Strict: a link from an e-mail must arrive logged in; every state
# change is a POST, which Lax never sends cross-site (ASVS 3.3.2).
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# HTTPS only, when DEBUG is off (ASVS 3.4.1, 3.3.1, 12.2.x). HTTPS_ONLY=off
# serves plain HTTP on loopback (make soak); BEHIND_PROXY=on trusts the
# X-Forwarded-Proto header of a TLS-terminating reverse proxy.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address (core.client.client_ip, for the security log and every rate
# limit): behind TRUSTED_PROXY_COUNT proxies that each append to X-Forwarded-For,
# the entry the outermost one wrote; never a client's own header without a proxy.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1) if BEHIND_PROXY else 0
if BEHIND_PROXY and TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured(
        "BEHIND_PROXY is on and TRUSTED_PROXY_COUNT is below 1: set it to the number of "
        "proxies in front of the portal that append to X-Forwarded-For (1: the load balancer)."
    )
# allauth reads the same count; its adapter asks core.client (accounts.adapter).
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # __Host-: the browser accepts the cookie only if Secure, Path=/ and
    # without Domain, so no sibling subdomain can plant or overwrite it.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
