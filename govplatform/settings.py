"""Settings of the platform. Everything that varies comes from the environment (see README)."""

import os
from datetime import timedelta

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from govplatform.env import BASE_DIR, VAR_DIR, env_bool, env_list, env_path, field_encryption_keys, secret_key

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key()

# The back office answers only on these hosts; every other host is a public site (SEC-3).
BACKOFFICE_HOSTS = env_list("BACKOFFICE_HOSTS", ["localhost", "127.0.0.1", "admin.localhost"])
# Public sites are any .gov.cn (or Chinese .政务 / .公益, in punycode) domain; `.localhost` lets a
# browser on the same machine open `www.x.gov.cn.localhost` during development.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    [*BACKOFFICE_HOSTS, ".gov.cn", ".localhost", ".xn--zfr164b", ".xn--55qw42g"],
)
# A suffix stripped from the Host header before site resolution (development and tests only:
# no government domain ends in .localhost).
LOCAL_HOST_SUFFIX = ".localhost"

INSTALLED_APPS = [
    # The apps in their layers, lowest first (README: layout); `lint-imports` checks the order.
    "accounts",
    "auditlog",
    "workdays",
    "sites",
    "columns",
    "resources",
    "editorial",
    "publishing",
    "lifecycle",
    "search",
    "disclosure",
    "interaction",
    "monitoring",
    "public",
    "backoffice",
    "demo",
    "govplatform",
    "mptt",
    "django_prose_editor",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "govplatform.middleware.HostRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sites.permissions.PermissionCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "govplatform.middleware.ContentSecurityPolicyMiddleware",
    "govplatform.middleware.AuditContextMiddleware",
    "accounts.session_expiry.SessionExpiryMiddleware",
    # Last: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Unknown hosts get the public configuration; HostRoutingMiddleware switches to the back office.
ROOT_URLCONF = "govplatform.urls_public"
BACKOFFICE_URLCONF = "govplatform.urls_backoffice"

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
            ],
        },
    },
    {
        # The public pages (TPL-*): Jinja2 for rendering speed; rendered by publishing/render.py.
        "NAME": "site",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "site"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "publishing.jinja.environment", "autoescape": True},
    },
]

WSGI_APPLICATION = "govplatform.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a publish writes; the busy timeout waits for locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# SEC-4: CRYPTO_PROFILE=sm uses the national algorithms: SM4 + HMAC-SM3 for encrypted fields and
# backups, PBKDF2-HMAC-SM3 for new passwords (older hashes are upgraded at the next login).
CRYPTO_PROFILE = os.environ.get("CRYPTO_PROFILE", "aes").strip().lower() or "aes"
PASSWORD_HASHERS = [
    *(["accounts.hashers.PBKDF2SM3PasswordHasher"] if CRYPTO_PROFILE == "sm" else []),
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    *(["accounts.hashers.PBKDF2SM3PasswordHasher"] if CRYPTO_PROFILE != "sm" else []),
]
# Keys of encrypted fields (base64 of 32 bytes, comma-separated, the first one encrypts): env
# FIELD_ENCRYPTION_KEY, or generated once into var/field_key. Back it up apart from the database.
FIELD_ENCRYPTION_KEYS = field_encryption_keys()
# Key of backup archives (same form); the field key when unset.
BACKUP_KEYS = env_list("BACKUP_KEY", [])
# Backups serialise rows with times to the microsecond (Django's JSON keeps milliseconds).
SERIALIZATION_MODULES = {"exactjson": "core.exact_json"}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "admin:login"
# SEC-1: django-axes checks every password (and accounts.login_views every second-factor code)
# against the failures of the account and of the address; over the limit both wait COOLOFF.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "auditlog.audit.request_ip"
AXES_LOCKOUT_CALLABLE = "accounts.login_views.locked_out"
AXES_ENABLE_ADMIN = False  # the back office has its own page: 用户 → 登录锁定 (govplatform/lockout_views.py)
# Each failure kept too: the lockout page shows when a series of failures began (accounts/lockouts.py).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "政府网站集约化平台")
# A back-office session ends after this much inactivity, and this long after the login at most.
BACKOFFICE_IDLE_TIMEOUT = int(os.environ.get("BACKOFFICE_IDLE_MINUTES", "30")) * 60
BACKOFFICE_SESSION_MAX_AGE = int(os.environ.get("BACKOFFICE_SESSION_HOURS", "8")) * 3600

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: the real Redis broker when REDIS_URL is set; otherwise tasks run eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker died unacknowledged is handed out again after this many seconds (Redis
# broker; kombu's default is an hour). Longer than the longest full publish, which is idempotent.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900"))}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
# Scheduled publishing and unpublishing (PUB-5): every minute.
CELERY_BEAT_SCHEDULE = {
    "publishing-schedule": {"task": "publishing.run_schedule", "schedule": 60.0},
    # SRCH-2: the pinyin and typo vocabulary follows new content and popular queries.
    "search-vocabulary": {"task": "search.rebuild_vocabulary", "schedule": 3600.0},
    # SRCH-2: popular queries, and which of them are suggested, are recounted from the logs.
    "search-popular-queries": {"task": "search.aggregate_popular_queries", "schedule": crontab(minute=47)},
    "search-log-purge": {"task": "search.purge_logs", "schedule": crontab(hour=3, minute=37)},
    # SEC-2: audit entries past AUDIT_RETENTION_DAYS are purged once a day.
    "audit-purge": {"task": "govplatform.purge_audit_log", "schedule": crontab(hour=3, minute=17)},
    # SEC-1: django-axes' failure log (each failed login; the audit log keeps them too) for 30 days.
    "login-failure-purge": {"task": "govplatform.purge_login_failures", "schedule": crontab(hour=3, minute=27)},
    # SEC-5: every published site is compared with its manifest every hour.
    "tamper-check": {"task": "govplatform.verify_published", "schedule": crontab(minute=7)},
    # INT-3: error reports past their deadline (1 working day to forward, 3 to answer) are escalated.
    "error-report-escalation": {"task": "interaction.escalate_error_reports", "schedule": crontab(minute=12)},
    # OPS-1: the daily check of every monitored site against the national lines, early morning.
    "monitoring-daily-checks": {"task": "monitoring.run_daily_checks", "schedule": crontab(hour=5, minute=17)},
    # LINK-2: every monitored site's links (internal against the manifest, external rate-limited per
    # host by lychee), before the daily check reads them; LINK-4: the friendly links re-checked.
    "monitoring-link-checks": {"task": "monitoring.check_links", "schedule": crontab(hour=2, minute=23)},
    "monitoring-friend-links": {"task": "monitoring.check_friend_links", "schedule": crontab(hour=4, minute=43)},
    # OPS-1: every monitored site's home page and a sampled page, every 30 minutes (48 a day, >= 20).
    "monitoring-probes": {"task": "monitoring.probe_sites", "schedule": crontab(minute="4,34")},
    # OPS-4: the web server's access logs are read into the visit statistics every 10 minutes.
    "monitoring-visits": {"task": "monitoring.ingest_visits", "schedule": crontab(minute="*/10")},
    # OPS-6: rotated access logs older than MONITORING_LOG_RETENTION_DAYS are deleted once a day.
    "monitoring-log-purge": {"task": "monitoring.purge_access_logs", "schedule": crontab(hour=4, minute=7)},
    # OPS-1: probes older than MONITORING_PROBE_RETENTION_DAYS (400: a year of trend) are deleted.
    "monitoring-probe-purge": {"task": "monitoring.purge_probes", "schedule": crontab(hour=4, minute=9)},
    # PUB-6: repost offers past their 12-hour deadline are escalated (audit entry, alert upward).
    "monitoring-repost-escalation": {"task": "monitoring.escalate_missed_reposts", "schedule": crontab(minute="*/5")},
}

# Task modules of the monitoring app beside its tasks.py (autodiscovery finds only tasks.py).
CELERY_IMPORTS = (
    "monitoring.availability", "monitoring.visits", "monitoring.reposts", "monitoring.link_runs",
    "monitoring.friend_link_checks",
)

# OPS-1 availability probes: the public address is the site's primary domain (https) unless
# MONITORING_PROBE_BASE is set (development: the public process, e.g. http://127.0.0.1:8001, with
# the domain as the Host header). The national rule's time limit is 15 s.
MONITORING_PROBE_BASE = os.environ.get("MONITORING_PROBE_BASE", "")
MONITORING_PROBE_TIMEOUT = 15
MONITORING_PROBE_SAMPLES = int(os.environ.get("MONITORING_PROBE_SAMPLES", "1"))  # published pages per round
MONITORING_PROBE_WORKERS = int(os.environ.get("MONITORING_PROBE_WORKERS", "8"))

# OPS-4, OPS-6: nginx's access log (deploy/nginx.conf.template, format govplatform_visits) and its
# rotated files are read into the visit statistics. The raw files are kept at least six months:
# the retention is never below 183 days whatever the environment says. The application's own run
# logs follow the same rule: they go to the console (LOGGING below), and whatever collects the
# containers' output (docker's log driver, journald) must keep them at least 183 days too.
MONITORING_ACCESS_LOG = env_path("MONITORING_ACCESS_LOG", VAR_DIR / "log" / "nginx" / "access.log")
MONITORING_LOG_RETENTION_DAYS = max(183, int(os.environ.get("MONITORING_LOG_RETENTION_DAYS", "190")))

# LINK-2: paths the public process answers itself, linked from every published page (the footer's
# own error-report entry, INT-3): not checked against the published files.
PUBLIC_DYNAMIC_PATHS = ("interaction/error-report/",)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
# Behind nginx: the internal location that serves MEDIA_ROOT once backoffice.media_views has
# said yes (X-Accel-Redirect); empty, the view sends files itself.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")
PUBLISH_ROOT = env_path("PUBLISH_ROOT", VAR_DIR / "publish")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# SRCH-3: search logs (no personal data) and their clicks are kept this long.
SEARCH_LOG_RETENTION_DAYS = int(os.environ.get("SEARCH_LOG_RETENTION_DAYS", "365"))
# SRCH-2: a query becomes a suggestion only when this many distinct visitors asked it, on this
# many distinct days, and this many followed a result, within the window (search/popular.py).
SEARCH_SUGGESTION_MIN_VISITORS = int(os.environ.get("SEARCH_SUGGESTION_MIN_VISITORS", "5"))
SEARCH_SUGGESTION_MIN_DAYS = int(os.environ.get("SEARCH_SUGGESTION_MIN_DAYS", "2"))
SEARCH_SUGGESTION_MIN_CLICKS = int(os.environ.get("SEARCH_SUGGESTION_MIN_CLICKS", "2"))
SEARCH_SUGGESTION_WINDOW_DAYS = int(os.environ.get("SEARCH_SUGGESTION_WINDOW_DAYS", "90"))
# SEC-2: audit entries are kept at least six months; purge_audit refuses a shorter period.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "400"))
# How many reverse proxies (nginx) stand in front: their X-Forwarded-For gives the client address.
AUDIT_TRUSTED_PROXIES = int(os.environ.get("AUDIT_TRUSTED_PROXIES", "0"))

# Security headers and cookies. Production (DEBUG off) runs behind TLS-terminating nginx.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = BACKOFFICE_SESSION_MAX_AGE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# SEC-7: Content-Security-Policy (django-csp; govplatform.middleware picks the policy by host).
# The back office: scripts only from itself, inline scripts only with the request's nonce (and
# the rich-text editor's import map, by its hash); inline styles are allowed because the admin's
# widgets and the editor's tables set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Public sites (published pages, the citizen endpoints, their 404): nothing inline at all.
PUBLIC_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# SEC-5: the hourly tamper check restores changed, added and deleted published files by itself
# (keeping what it removed under TAMPER_QUARANTINE_ROOT) and alarms the platform administrators.
# Site lifecycle (SITE-6, T art.8): Tianjin's rules, where a temporary offline period of up to 24
# hours needs only a prior filing; how many days ahead an application to return online is made.
LIFECYCLE_TIANJIN_MODE = env_bool("LIFECYCLE_TIANJIN_MODE", False)
LIFECYCLE_RETURN_NOTICE_DAYS = int(os.environ.get("LIFECYCLE_RETURN_NOTICE_DAYS", "7"))

TAMPER_AUTO_REPAIR = env_bool("TAMPER_AUTO_REPAIR", True)
TAMPER_QUARANTINE_ROOT = env_path("TAMPER_QUARANTINE_ROOT", VAR_DIR / "quarantine")

# Mail (alarms). Without EMAIL_HOST, mails are written to the console (the process log).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
# (The password is only ever read from the environment.)
EMAIL_HOST_PASSWORD, EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_PASSWORD", ""), os.environ.get("EMAIL_HOST_USER", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "govplatform@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
}
