"""Running code in a new interpreter as a production process would (settings are read at import)."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION_HOST = "portal.example.gov.cn"


def production_env(**overrides):
    """The environment of a production process: no development leftovers from ours."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SERVE_MEDIA", "DJANGO_SETTINGS_MODULE"}
        # Test-only switches (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) stay out too.
        and not key.startswith(("SECURE_", "DJANGO_"))
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=PRODUCTION_HOST,
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(code, env):
    """Run code in a new interpreter (settings are read once, at import)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
