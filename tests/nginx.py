"""deploy/nginx.conf made runnable in a temporary folder, for the deployment tests."""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from django.conf import settings

NGINX_CONF = settings.BASE_DIR / "deploy" / "nginx.conf"
PLACEHOLDERS = ["/srv/portal/staticfiles", "/srv/portal/media", "/srv/portal/published"]


def nginx_binary():
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing: CI must check deploy/nginx.conf (make test installs it).")
    pytest.skip("nginx is not installed (apt-get install -y nginx): deploy/nginx.conf unchecked")


def fetch(url, headers=None):
    """GET ``url``: (status, headers, text), whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


LOAD_BALANCER_PLACEHOLDER = "    10.0.0.2 1;"


def local_config(folder, *, port=None, upstream=None, published=None, load_balancers=None):
    """Writes deploy/nginx.conf with its placeholders pointing into ``folder``; returns its path.

    ``port`` replaces the public listen port, ``upstream`` ("127.0.0.1:8123") the
    application server, ``published`` the published pages' folder (STATIC_PUBLISHING_ROOT),
    ``load_balancers`` ("127.0.0.1") the address of the load balancer in front of nginx.
    """
    text = NGINX_CONF.read_text()
    for placeholder in PLACEHOLDERS:
        assert placeholder in text, placeholder
    paths = {
        "/srv/portal/staticfiles": folder / "static",
        "/srv/portal/media": folder / "media",
        "/srv/portal/published": published or folder / "published",
    }
    for placeholder, path in paths.items():
        path.mkdir(parents=True, exist_ok=True)
        text = text.replace(placeholder, str(path))
    text = text.replace("/run/nginx.pid", str(folder / "nginx.pid")).replace(
        "/var/log/nginx/", f"{folder}/"
    )
    # As root, workers would run as www-data, who cannot read the test's private folders.
    text = text.replace("user www-data;", "user root;" if os.geteuid() == 0 else "")
    if port:
        text = text.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
            "listen [::]:80;", ""
        )
        text = text.replace("server_name portal.example.gov.cn;", "server_name _;")
    if upstream:
        text = text.replace("server 127.0.0.1:8001", f"server {upstream}")
    assert LOAD_BALANCER_PLACEHOLDER in text
    if load_balancers:
        text = text.replace(LOAD_BALANCER_PLACEHOLDER, f"    {load_balancers} 1;")
    temp_paths = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    )
    text = text.replace("http {\n", "http {\n" + temp_paths, 1)
    config = folder / "nginx.conf"
    config.write_text(text)
    return config


@contextmanager
def running_nginx(folder, **options):
    """nginx with deploy/nginx.conf on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    config = local_config(folder, port=port, **options)
    process = subprocess.Popen(
        [
            *(nginx_binary(), "-c", str(config), "-p", str(folder)),
            *("-e", str(folder / "error.log"), "-g", "daemon off;"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.poll() is not None else ""
                    raise RuntimeError(f"nginx did not start: {output}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
