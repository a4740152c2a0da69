"""Production settings, security headers, sign-in throttling and the configurable admin path."""

import importlib
import json

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory, override_settings
from django.urls import clear_url_caches

from portal.middleware import client_ip
from tests.production import PRODUCTION_HOST, production_env, run_python

LOGIN_URL = "/admin/login/"
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)


def directives(policy):
    """A policy's directives, whatever their order."""
    return sorted(part.strip() for part in policy.split(";") if part.strip())


# --- Production settings ------------------------------------------------------------------


CHECK_DEPLOY = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', '--deploy', '--fail-level', 'DEBUG')"
)
COLLECTSTATIC = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('collectstatic', '--noinput', verbosity=0)"
)


def test_check_deploy_reports_nothing_in_production_once_static_files_are_collected(tmp_path):
    env = production_env(STATIC_ROOT=str(tmp_path))
    # Before collectstatic, every page would fail on its stylesheet's fingerprinted name.
    before = run_python(CHECK_DEPLOY, env)
    assert before.returncode != 0
    assert "portal.W001" in before.stderr, before.stdout + before.stderr
    assert "collectstatic" in before.stderr
    collected = run_python(COLLECTSTATIC, env)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    result = run_python(CHECK_DEPLOY, env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_collectstatic_fingerprints_and_compresses_in_production(tmp_path):
    result = run_python(COLLECTSTATIC, production_env(STATIC_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert manifest["css/portal.css"].startswith("css/portal.")
    hashed = tmp_path / manifest["css/portal.css"]
    assert hashed.exists() and hashed.with_name(hashed.name + ".gz").exists()
    # jQuery UI's theme (admin translation tabs) is in, its icons fingerprinted.
    theme = (tmp_path / manifest["jquery-ui/jquery-ui.theme.css"]).read_text()
    assert "images/ui-icons_444444_256x240." in theme


def test_production_settings():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({"
        "'DEBUG': s.DEBUG, 'SSL': s.SECURE_SSL_REDIRECT, 'PROXY': s.SECURE_PROXY_SSL_HEADER, "
        "'HSTS': s.SECURE_HSTS_SECONDS, 'SUB': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "'PRELOAD': s.SECURE_HSTS_PRELOAD, 'SESSION': s.SESSION_COOKIE_SECURE, "
        "'CSRF': s.CSRF_COOKIE_SECURE, 'CSRF_HTTPONLY': s.CSRF_COOKIE_HTTPONLY, "
        "'MEDIA': s.SERVE_MEDIA, 'STATIC': s.STORAGES['staticfiles']['BACKEND'], "
        "'FINDERS': s.WHITENOISE_USE_FINDERS, 'ORIGINS': s.CSRF_TRUSTED_ORIGINS, "
        "'HOSTS': s.ALLOWED_HOSTS, 'XFO': s.X_FRAME_OPTIONS}))"
    )
    env = production_env(CSRF_TRUSTED_ORIGINS="https://a.example.gov.cn, https://b.example.gov.cn")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SSL": True,
        "PROXY": ["HTTP_X_FORWARDED_PROTO", "https"],
        "HSTS": 31536000,
        "SUB": True,
        "PRELOAD": False,
        "SESSION": True,
        "CSRF": True,
        "CSRF_HTTPONLY": True,
        "MEDIA": False,
        "STATIC": "portal.storage.ManifestStaticFilesStorage",
        "FINDERS": False,
        "ORIGINS": ["https://a.example.gov.cn", "https://b.example.gov.cn"],
        "HOSTS": [PRODUCTION_HOST],
        "XFO": "DENY",
    }
    env = production_env(SECURE_SSL_REDIRECT="false", SECURE_HSTS_PRELOAD="true")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert (values["SSL"], values["PRELOAD"]) == (False, True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": settings.DEVELOPMENT_SECRET_KEY}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "true"}, "DEBUG must be false"),
    ],
    ids=["no-key", "empty-key", "development-key", "no-hosts", "debug"],
)
def test_production_refuses_to_start_without_its_settings(overrides, message):
    result = run_python("import django; django.setup()", production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_development_defaults_need_no_environment():
    """A fresh clone: plain static storage served from the apps' folders, media served too."""
    assert settings.DJANGO_ENV == "development"
    assert settings.STORAGES["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    assert settings.WHITENOISE_USE_FINDERS is True
    assert settings.SERVE_MEDIA is True
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is False


# --- Headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/en/", "/zh-hans/government/structure/", LOGIN_URL])
def test_security_headers(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(EXPECTED_CSP)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_templates_carry_no_inline_styles_or_scripts():
    """Inline code would be refused by the policy: only data blocks (JSON) may be inline."""
    offenders = []
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        if "<style" in text or " style=" in text or "<script>" in text:
            offenders.append(str(template))
    assert offenders == []


# --- Sign-in throttling -------------------------------------------------------------------


@pytest.fixture
def staff(db):
    users = get_user_model().objects
    return {
        "ada": users.create_superuser("ada", "ada@example.org", "right-password-1"),
        "bob": users.create_superuser("bob", "bob@example.org", "right-password-2"),
    }


def sign_in(client, username, password, **extra):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def test_five_failed_sign_ins_lock_the_user_out(client, staff):
    for _attempt in range(4):
        response = sign_in(client, "ada", "wrong")
        assert response.status_code == 200  # the login form again, with its error
    response = sign_in(client, "ada", "wrong")
    assert response.status_code == 429
    response = sign_in(client, "ada", "right-password-1")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed sign-in attempts" in text
    assert "failed 5 times in a row" in text
    assert "for the next 60 minutes" in text
    assert "_auth_user_id" not in client.session

    # Other users, and the same user from another address, still sign in.
    assert sign_in(client, "bob", "right-password-2").status_code == 302
    client.logout()
    other = sign_in(client, "ada", "right-password-1", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_lockout_page_is_translated(client, staff):
    for _attempt in range(5):
        sign_in(client, "ada", "wrong", HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = sign_in(client, "ada", "right-password-1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录失败次数过多" in text
    assert "60" in text


def test_a_successful_sign_in_resets_the_count(client, staff):
    for _attempt in range(4):
        sign_in(client, "ada", "wrong")
    assert sign_in(client, "ada", "right-password-1").status_code == 302
    client.logout()
    for _attempt in range(4):
        assert sign_in(client, "ada", "wrong").status_code == 200
    assert sign_in(client, "ada", "right-password-1").status_code == 302


def test_force_login_bypasses_the_throttle(client, staff):
    client.force_login(staff["ada"])
    assert client.get("/admin/").status_code == 200


ADMIN_ADDRESS = "203.0.113.9"
ATTACKER_ADDRESS = "198.51.100.7"


@pytest.fixture
def behind_proxies(settings):
    """nginx on the same machine, and load balancers in 10.0.0.0/24."""
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/24"]


def test_a_direct_client_is_locked_out_by_its_own_address_whatever_it_forwards(
    client, staff, behind_proxies
):
    # Reaching gunicorn directly, the attacker claims to be the administrator's address.
    forged = {"REMOTE_ADDR": ATTACKER_ADDRESS, "HTTP_X_FORWARDED_FOR": ADMIN_ADDRESS}
    for _attempt in range(5):
        sign_in(client, "ada", "wrong", **forged)
    # Locked out by its own address, whatever it claims next.
    for claimed in [ADMIN_ADDRESS, "192.0.2.1", "10.0.0.5, 192.0.2.1"]:
        response = sign_in(
            client,
            "ada",
            "right-password-1",
            REMOTE_ADDR=ATTACKER_ADDRESS,
            HTTP_X_FORWARDED_FOR=claimed,
        )
        assert response.status_code == 429, claimed
    assert AccessAttempt.objects.get().ip_address == ATTACKER_ADDRESS
    # The administrator, through nginx, is not locked out.
    via_nginx = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": ADMIN_ADDRESS}
    assert sign_in(client, "ada", "right-password-1", **via_nginx).status_code == 302


def test_through_a_trusted_proxy_the_forwarded_client_is_locked_out(client, staff, behind_proxies):
    # Load balancer (10.0.0.2) and nginx: the client's own header is ignored.
    via_proxies = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": f"192.0.2.1, {ATTACKER_ADDRESS}, 10.0.0.2",
    }
    for _attempt in range(5):
        sign_in(client, "ada", "wrong", **via_proxies)
    assert sign_in(client, "ada", "right-password-1", **via_proxies).status_code == 429
    assert AccessAttempt.objects.get().ip_address == ATTACKER_ADDRESS
    # Another visitor through the same proxies signs in.
    other = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"{ADMIN_ADDRESS}, 10.0.0.2"}
    assert sign_in(client, "ada", "right-password-1", **other).status_code == 302


@pytest.mark.parametrize(
    ("remote_addr", "forwarded", "expected"),
    [
        # A direct client is its own address, whatever it sends.
        (ATTACKER_ADDRESS, ADMIN_ADDRESS, ATTACKER_ADDRESS),
        (ATTACKER_ADDRESS, f"{ADMIN_ADDRESS}, 127.0.0.1", ATTACKER_ADDRESS),
        ("10.0.1.7", ADMIN_ADDRESS, "10.0.1.7"),  # outside 10.0.0.0/24
        # nginx appended the client; what the client wrote before it is ignored.
        ("127.0.0.1", ADMIN_ADDRESS, ADMIN_ADDRESS),
        ("127.0.0.1", f"6.6.6.6, {ADMIN_ADDRESS}", ADMIN_ADDRESS),
        ("::1", f"6.6.6.6, {ADMIN_ADDRESS}", ADMIN_ADDRESS),
        ("::ffff:127.0.0.1", ADMIN_ADDRESS, ADMIN_ADDRESS),
        # A load balancer in the trusted network, then nginx (CIDR).
        ("127.0.0.1", f"6.6.6.6, {ADMIN_ADDRESS}, 10.0.0.2", ADMIN_ADDRESS),
        ("10.0.0.200", f"{ADMIN_ADDRESS}, 10.0.0.2", ADMIN_ADDRESS),
        ("127.0.0.1", f"{ADMIN_ADDRESS}, 10.0.1.2", "10.0.1.2"),  # not a trusted proxy
        ("127.0.0.1", "2001:db8::7", "2001:db8::7"),
        # Without the header, or with garbage where a proxy wrote: the proxy's address.
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "unknown", "127.0.0.1"),
    ],
)
def test_client_address_behind_trusted_proxies(behind_proxies, remote_addr, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ADMIN_ADDRESS)
    assert client_ip(request) == "127.0.0.1"


CLIENT_ADDRESSES = f"""
import django
django.setup()
from django.test import RequestFactory
from portal.middleware import client_ip

for remote_addr in ["{ATTACKER_ADDRESS}", "127.0.0.1", "10.0.0.9"]:
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR="{ADMIN_ADDRESS}"
    )
    print(remote_addr, client_ip(request))
"""


def test_in_production_only_the_configured_proxies_are_trusted():
    # By default nginx on the same machine (127.0.0.1, ::1): a client that reaches
    # gunicorn directly cannot choose its address.
    result = run_python(CLIENT_ADDRESSES, production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == [
        f"{ATTACKER_ADDRESS} {ATTACKER_ADDRESS}",
        f"127.0.0.1 {ADMIN_ADDRESS}",
        "10.0.0.9 10.0.0.9",
    ]
    result = run_python(CLIENT_ADDRESSES, production_env(TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/24"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"10.0.0.9 {ADMIN_ADDRESS}"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"TRUSTED_PROXIES": "127.0.0.1, nginx"}, "TRUSTED_PROXIES"),
        ({"TRUSTED_PROXY_COUNT": "1"}, "TRUSTED_PROXY_COUNT is replaced by TRUSTED_PROXIES"),
    ],
)
def test_trusted_proxies_are_checked_at_start(variables, message):
    result = run_python("import django; django.setup()", production_env(**variables))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


# --- Admin path ---------------------------------------------------------------------------


@pytest.fixture
def admin_at_office():
    import portal.urls

    with override_settings(ADMIN_URL="office-7f3a/"):
        clear_url_caches()
        importlib.reload(portal.urls)
        yield
    clear_url_caches()
    importlib.reload(portal.urls)


def test_admin_answers_at_configured_path_only(client, db, admin_at_office):
    assert client.get("/office-7f3a/login/").status_code == 200
    assert client.get("/office-7f3a/").status_code == 302
    assert client.get("/admin/login/").status_code == 404
    assert client.get("/admin/").status_code == 404
    robots = client.get("/robots.txt").content.decode()
    assert "office-7f3a" not in robots


def test_admin_path_is_restored(client, db):
    assert client.get("/admin/login/").status_code == 200
