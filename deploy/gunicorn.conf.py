"""gunicorn settings for one application server: gunicorn -c deploy/gunicorn.conf.py portal.wsgi

Every value can be changed from the environment:

GUNICORN_BIND             address to listen on (default 127.0.0.1:8001, where nginx proxies)
GUNICORN_WORKERS          worker processes (default 2 x CPU cores + 1)
GUNICORN_THREADS          threads per worker (default 1)
GUNICORN_TIMEOUT          seconds before a silent worker is restarted (default 30)
FORWARDED_ALLOW_IPS       proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1,::1)

Django's TRUSTED_PROXIES (the proxies whose X-Forwarded-For names the client, for the
sign-in lockout) lists the same nginx addresses, plus the load balancer's in front of it:
see deploy/nginx.conf and the README.

Beside gunicorn, with the same environment, runs the task worker that re-renders the
published pages after a publication: deploy/worker.sh (manage.py db_worker).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers fork from a master that has already imported Django and the portal (over a
# second of CPU each time otherwise), so a recycled worker starts in milliseconds and the
# workers share that memory. The price: `kill -HUP` rereads this file but not the code;
# a release restarts gunicorn. Nothing may connect to PostgreSQL or Redis at import time
# or in the warm-up below (tests/test_deploy.py checks), or the workers would share the
# master's connection.
preload_app = True
# Recycle each worker now and then so that a slow leak cannot grow without bound; at a
# thousand cached pages a second a worker still lives about a minute.
max_requests = 10000
max_requests_jitter = 1000

# nginx on the same machine is the only client; it sets X-Forwarded-Proto and -For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


# Access and error logs to stdout / stderr, collected by the process manager.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def when_ready(server):
    """In the master, before the first fork: the work of each worker's first request, then
    the garbage collector set for serving pages (portal/preload.py), so that new and
    recycled workers answer at full speed at once."""
    if server.cfg.preload_app:
        from portal.preload import settle, warm_up

        warm_up()
        settle()
