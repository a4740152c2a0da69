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


def run_in_project(argv, env, timeout=120):
    """Run a command in the project's folder; its output is captured as text."""
    return subprocess.run(
        argv, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def run_python(code, env, timeout=120):
    """Run code in a new interpreter (settings are read once, at import)."""
    return run_in_project([sys.executable, "-c", code], env, timeout)


def run_manage(arguments, env):
    """Run ``manage.py`` with these arguments in a new interpreter."""
    return run_in_project([sys.executable, "manage.py", *arguments], env)
