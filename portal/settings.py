"""Settings for the departmental portal.

Everything that differs between a developer's machine and production is read
from the environment, with embedded defaults (SQLite, local-memory cache) so
that a fresh clone runs with one command.
"""

import os
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_number(name, default, kind=int):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return kind(value)
    except ValueError:
        description = "a whole number" if kind is int else "a number"
        raise ImproperlyConfigured(f"{name} must be {description}, not {value!r}.") from None


# DJANGO_ENV=production switches on the production settings below (HTTPS only,
# secure cookies, HSTS, fingerprinted static files) and refuses to start
# without a real SECRET_KEY and ALLOWED_HOSTS. Unset, the defaults suit a
# developer's machine and the test suite.
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower() or "development"
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'production' or unset (development), not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG must be false with DJANGO_ENV=production: unset DEBUG in the environment."
    )

# The embedded default key is only fit for a developer's machine; production
# sets SECRET_KEY in the environment.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if PRODUCTION and SECRET_KEY.strip() in {"", DEVELOPMENT_SECRET_KEY}:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment with DJANGO_ENV=production, to a long "
        "random value that is not the development default, e.g. the output of: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in the environment with DJANGO_ENV=production: the "
        "comma-separated host names the site answers to, e.g. portal.example.gov.cn"
    )
# Origins (scheme and host) whose forms may post here, e.g. https://portal.example.gov.cn;
# needed when the site is reached under a name other than the request's Host.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "adminsortable2",
    "reversion",
    "django_static_jquery_ui",
    "csp",
    # Counts failed admin sign-ins and locks the username/address pair out.
    "axes",
    # Background tasks (Django 6's Tasks framework, backported): the re-rendering of the
    # published files after a publication (delivery.tasks), and the database backend's
    # table of queued tasks.
    "django_tasks",
    "django_tasks_db",
    # What every app may import: the site settings, wording, the admin's base classes,
    # and core.pages, through which the domain announces changes.
    "core",
    # The project package itself: its pages' registration and system checks.
    "portal",
    # The search's vocabulary: the Chinese segmenter's dictionary.
    "terms",
    "departments",
    "contacts",
    # The page cache and static publishing: they listen to core.pages, never to an app.
    "delivery",
]

# How long browsers and proxies may keep a public page before asking again.
PUBLIC_CACHE_SECONDS = env_number("PUBLIC_CACHE_SECONDS", 60)

MIDDLEWARE = [
    # GET /healthz for monitors, before the host check and the HTTPS redirect (portal.health).
    "portal.health.HealthCheckMiddleware",
    # Whole public pages from the shared cache, first: a hit runs no other middleware. A page
    # is stored with the headers of all the middleware below, and a hit replays them; the
    # page cache itself leaves the HTTPS redirect and the host check (400) to them, and
    # answers conditional GETs as ConditionalGetMiddleware would (delivery.page_cache).
    "delivery.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag from the content, Last-Modified from the views: 304 for an unchanged page.
    "django.middleware.http.ConditionalGetMiddleware",
    "portal.middleware.PublicCacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.DisplayModeMiddleware",
    # A NUL in the query string answers 400 (in the page's language) before any view queries.
    "portal.middleware.RefuseUnusableParametersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that cannot reach the database answers 503, not 500 (portal.middleware).
    "portal.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every sign-in before Django's own backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"

# Public pages are Jinja2 templates (templates/jinja2/, portal.jinja2), faster to render
# than Django's where every millisecond of an uncached page counts; the admin keeps
# Django's template language. Jinja2 comes first: public pages, and the 404 and 500
# pages Django looks up by name, are then found without a miss in the other engine.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "portal.jinja2.environment",
            "context_processors": ["core.context_processors.site"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    postgresql_options = DATABASES["default"].setdefault("OPTIONS", {})
    # libpq waits for an unreachable database server as long as the operating system does
    # (two minutes and more): a page or a health check (portal.health) then fails after
    # these seconds instead of holding a worker until gunicorn kills it.
    postgresql_options["connect_timeout"] = env_number("DATABASE_CONNECT_TIMEOUT", 5)
    # The structure page's lookup (departments.lookup) takes PostgreSQL longer to plan than
    # to run: psycopg prepares it on each connection after its 5th run. Of Django's queries
    # only that one is ever prepared (the ORM's cursors bind parameters on the client; the
    # version feed's own connection prepares its two small reads too). A pooler in
    # transaction mode older than PgBouncer 1.21 cannot keep prepared statements: set
    # DATABASE_PREPARED_STATEMENTS=false behind one.
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        postgresql_options["prepare_threshold"] = 5

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "portal",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        # django-redis keeps one client (and its connection pool) per process; Django's own
        # RedisCache builds a redis-py client for every call (about 185 µs of a page cache
        # hit's CPU, bench/README.md).
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # An unreachable Redis must cost a page milliseconds, not the worker's timeout:
        # delivery.page_cache then serves pages uncached for a few seconds and logs it. So its
        # errors must reach delivery.page_cache and portal.health: IGNORE_EXCEPTIONS stays off.
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": env_number("REDIS_TIMEOUT_SECONDS", 0.25, float),
            "SOCKET_TIMEOUT": env_number("REDIS_TIMEOUT_SECONDS", 0.25, float),
            "IGNORE_EXCEPTIONS": False,
        },
    }

# Whether every process serving the site shares one cache: Redis, or the single process of
# the development server. The page cache is on by default only then: without Redis each
# worker would render and keep its own copy of every page. (What invalidates pages, their
# versions, is in the database, seen by every process: delivery.page_cache.)
CACHE_IS_SHARED = bool(os.environ.get("REDIS_URL")) or not PRODUCTION
# How long a whole public page stays in the cache (delivery.page_cache); 0 turns it off.
# Publishing invalidates the affected pages at once, so this only bounds how long an
# unused page takes space.
PAGE_CACHE_SECONDS = env_number("PAGE_CACHE_SECONDS", 600 if CACHE_IS_SHARED else 0)

# Whether each process keeps the page versions PostgreSQL pushes at each commit (one
# listening connection per process), so that a cached page needs no query
# (delivery.version_feed). Off, or on SQLite, each cached page reads its versions.
PAGE_VERSION_FEED = env_bool("PAGE_VERSION_FEED", default=PRODUCTION)

# Background tasks (delivery.tasks). In production, a task is a row in the database that
# a worker runs: `manage.py db_worker` (README, "Production deployment"). Elsewhere, and
# with TASKS_IMMEDIATE=true, a task runs as soon as it is enqueued, in the process that
# enqueues it: `make run` and the tests need no worker.
if env_bool("TASKS_IMMEDIATE", default=not PRODUCTION):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation. LANGUAGES must be identical wherever settings are
# loaded: modeltranslation turns each language into real database columns.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates on the legacy pages are Beijing time, and citizens read them as such.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans")
# An untranslated field (a telephone number left blank in Chinese, say)
# shows the English value rather than nothing.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",), "en": ()}

# The admin's translation tabs use jQuery UI; it is served from our own static
# files (django-static-jquery-ui), never from a CDN.
JQUERY_UI_URL = "jquery-ui/jquery-ui.min.js"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded images are served by the application on a developer's machine;
# production serves MEDIA_ROOT (shared storage) from the web server instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=not PRODUCTION)

# Production serves the fingerprinted, compressed copies collectstatic writes
# to STATIC_ROOT (so they can be cached for a year). Development and the tests
# keep the plain storage and serve straight from the apps' folders, so that a
# fresh clone works without a build step.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "portal.storage.ManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Static publishing (delivery.static_publishing): `manage.py publish_static` writes every
# public page here, and publishing re-renders the pages it changes; nginx serves them.
# Unset, nothing is written on publishing. SITE_URL is the public address the pages name.
STATIC_PUBLISHING_ROOT = os.environ.get("STATIC_PUBLISHING_ROOT", "").strip() or None
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    if PRODUCTION and STATIC_PUBLISHING_ROOT:
        raise ImproperlyConfigured(
            "SITE_URL must be set with STATIC_PUBLISHING_ROOT in production: the public "
            "address the published pages link to, e.g. https://portal.example.gov.cn"
        )
    SITE_URL = "http://127.0.0.1:8000"

# Security headers, in every mode so that the tests see them.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No script of ours (nor the admin's) reads the CSRF cookie: they use the form's token.
CSRF_COOKIE_HTTPONLY = True
# portal.middleware.PermissionsPolicyMiddleware: features no page of ours uses.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"

# Content-Security-Policy (django-csp): only our own scripts and styles run,
# never inline ones. A template that truly needs an inline element gives it
# nonce="{{ request.csp_nonce }}" (add csp.constants.NONCE to the directive).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

if PRODUCTION:
    # TLS ends at the load balancer / nginx, which says so in X-Forwarded-Proto
    # (and must overwrite any such header a client sends).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_number("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Being on the browsers' preload list is hard to undo: an explicit decision.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # check --deploy warns about preload being off; that is a choice, not an oversight.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Sign-in throttling (django-axes): after 5 failed attempts for one username
# from one address, that pair is refused for an hour (other users and other
# addresses are unaffected): portal.views.sign_in_locked_out answers 429 with
# templates/axes/lockout.html.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "portal.views.sign_in_locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
# Behind nginx (and a load balancer), REMOTE_ADDR is the proxy's address and the
# client's is in X-Forwarded-For (portal.middleware.client_ip). The header is read only
# on requests from these proxies (addresses or networks, comma-separated): nginx on the
# same machine by default in production; add the load balancers' addresses, and nginx's
# when it runs on another machine. A client that reaches gunicorn any other way is its
# own address, whatever it sends.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if PRODUCTION else [])
for proxy in TRUSTED_PROXIES:
    try:
        ip_network(proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES must list addresses or networks (10.0.0.0/24), not {proxy!r}."
        ) from None
if os.environ.get("TRUSTED_PROXY_COUNT"):
    # It trusted the header from any sender; the proxies' addresses cannot be guessed.
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is replaced by TRUSTED_PROXIES: unset it, and set "
        "TRUSTED_PROXIES to the addresses of nginx and the load balancers (README)."
    )
AXES_CLIENT_IP_CALLABLE = "portal.middleware.client_ip"

# Where the admin lives, e.g. "office/" (with the trailing slash); robots.txt names it too.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/")
LOGIN_URL = "admin:login"

# Everything to stdout, where the process manager (systemd, containers) collects it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
