"""Benchmark of the production stack on this machine: gunicorn, Django's page cache,
whitenoise, nginx and the statically published pages, with N departments.

    .venv/bin/python bench/benchmark.py [--departments 5000] [--duration 15] [--load-duration 60]
        [--compare-with COMMIT [--compare-rounds 8]]

In one run it builds everything in temporary places (a fresh PostgreSQL database
``portal_bench``, Redis database 3, temporary folders), measures, prints a report and
removes everything again, also on Ctrl-C or an error. With ``--compare-with``, the code of
another commit gets the same in a temporary git worktree (database ``portal_bench_base``,
Redis database 4, its own gunicorn), and the uncached structure page of both is measured
in alternating rounds. It is a report, not a test: a missed
target prints FAIL and the exit status stays 0; it is 1 only when the stack does not start
or a request fails (non-2xx/3xx answer or socket error). All traffic goes to 127.0.0.1.
See bench/README.md for what is measured and why.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

DATABASE = "portal_bench"
# With --compare-with, the base commit's database is the run's name plus this.
BASE_DATABASE_SUFFIX = "_base"
# Whole-page cache lifetime of the cached instance (PAGE_CACHE_SECONDS): longer than a run.
PAGE_CACHE_SECONDS = 600

# wrk's settings for the single-page measurements and the load test.
CONNECTIONS = 16
THREADS = 2
LOAD_CONNECTIONS = 64
# A slow answer is a latency, not an error: wrk's default (2 s) would count a search
# rendered under load as a socket error.
WRK_TIMEOUT = "10s"
WARM_UP_SECONDS = 2

# Targets (issue 19's; see bench/README.md).
CACHED_RATIO_TARGET = 1.0  # Django's page cache / whitenoise, the same bytes
PUBLISHED_RATIO_TARGET = 0.9  # statically published page / nginx, the same bytes
AGAINST_BASE_TARGET = 0.9  # uncached structure page, new / base commit (--compare-with)
PUBLISH_TARGET_MS = 200  # median of what a publisher waits for in publish()
VISIBLE_TARGET = 1.0  # seconds after publish() returned
STRUCTURE_PAGE_QUERIES = 1
# An earlier absolute target of the uncached page; what it leaves per request is the
# yardstick of "the uncached page, step by step".
UNCACHED_TARGET = 500  # requests/s
# publish() timed this many times in each checkout (app_tasks.py time-publish).
PUBLISH_REPEAT = 7
# The generator: GENERATOR_TARGET seconds (with Django's start-up) for this many departments.
GENERATOR_TARGET = 60
GENERATOR_TARGET_COUNT = 5000
# Share of the CPU busy while the stack is idle above which the report warns that other
# work competes with the servers.
BUSY_FRACTION = 0.15
QUIET_POLL_SECONDS = 10
# A measurement during which processes outside the stack used more than this share of
# the CPU is repeated (up to MAX_ATTEMPTS times in all).
DISTURBED_SHARE = 0.05
MAX_ATTEMPTS = 3
# Processes that serve the stack, by name (their CPU time is not "other work").
STACK_SERVICES = {"postgres", "redis-server"}
# Polling for the publication: at most this many rounds, this far apart.
MAX_POLLS = 400
POLL_INTERVAL = 0.025
# Seconds the publishing helper may take (it re-renders the lists of departments).
PUBLISH_TIMEOUT = 300

# Settings of the app that the caller's environment must not leak into the run.
APP_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "ADMIN_URL",
    "CSRF_TRUSTED_ORIGINS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "SERVE_MEDIA",
    "PAGE_CACHE_SECONDS",
    "PUBLIC_CACHE_SECONDS",
    "STATIC_PUBLISHING_ROOT",
    "SITE_URL",
    "CONN_MAX_AGE",
    "SECURE_SSL_REDIRECT",
    "DJANGO_SETTINGS_MODULE",
    "FORWARDED_ALLOW_IPS",
}


class StackError(Exception):
    """The stack could not be built or started: the run stops with exit status 1."""


def say(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def loopback_only(url, what):
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"{what} must be on this machine (127.0.0.1), not {host!r}.")
    return url


def http_get(port, path, timeout=15):
    """(status, body) of one GET to 127.0.0.1:port; http.client ignores proxy variables."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def busy_cpu_fraction(seconds=2.0):
    """Share of all cores' time spent working over ``seconds`` (Linux /proc/stat)."""

    def sample():
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle and iowait
        return sum(fields), idle

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else 0.0


def cpu_seconds_outside(own_pids):
    """CPU seconds used so far by each process that is not part of the benchmark.

    Linux /proc: user and system time of the process and of its children it has reaped
    (so that short-lived processes still count, through their parent). Left out: the
    processes in ``own_pids`` and their descendants (this script, wrk, the servers and
    their workers), PostgreSQL and Redis (they serve the stack), and kernel threads.
    """
    processes = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # After the name: state, ppid, ..., utime (14th field of the line), stime,
        # cutime, cstime.
        processes[int(entry.name)] = (int(fields[1]), name, sum(map(int, fields[11:15])))
    excluded = set(own_pids) | {2}  # 2: kthreadd, parent of the kernel threads

    def outside(pid):
        for _generation in range(100):  # up the parents, to init
            if pid in excluded:
                return False
            if pid not in processes:
                return True
            pid = processes[pid][0]
        return True

    tick = os.sysconf("SC_CLK_TCK")
    return {
        pid: ticks / tick
        for pid, (_ppid, name, ticks) in processes.items()
        if name not in STACK_SERVICES and outside(pid)
    }


def first_showing(port, path, needle, since):
    """Polls ``path`` until its body contains ``needle`` (at most MAX_POLLS times).

    Returns when the first poll that showed it was sent and answered, in seconds after
    ``since`` (Unix time), or None.
    """
    for poll in range(1, MAX_POLLS + 1):
        sent = time.time()
        try:
            _status, body = http_get(port, path, timeout=10)
        except OSError:
            body = b""
        if needle in body:
            return {"polls": poll, "sent": sent - since, "answered": time.time() - since}
        time.sleep(POLL_INTERVAL)
    return None


def read_publish_times(helper):
    """The times app_tasks.py publish-marker prints, read as soon as it prints them."""
    deadline = time.monotonic() + PUBLISH_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(helper.stdout, selectors.EVENT_READ)
        while True:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                raise StackError(f"publish-marker gave no answer in {PUBLISH_TIMEOUT} s")
            line = helper.stdout.readline()
            if not line:
                helper.wait(timeout=30)
                raise StackError(f"publish-marker failed:\n{helper.stderr.read()[-3000:]}")
            if line.startswith("{"):
                return json.loads(line)


def errors_in_log(path, lines=40):
    """The error lines of a server log (tracebacks, error answers), else its last lines."""
    try:
        text = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    errors = [
        line
        for line in text
        if "ERROR" in line or "Traceback" in line or re.search(r'" [45]\d\d ', line)
    ]
    return "\n".join((errors or text)[-lines:])


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- Processes ---------------------------------------------------------------------


class Servers:
    """The long-running processes of a run (gunicorn, the task worker, nginx), stopped in
    reverse order."""

    def __init__(self):
        self.running = []

    def start(self, name, argv, env, log, cwd=BASE_DIR):
        with open(log, "wb") as output:
            # A session of its own: a Ctrl-C in the terminal reaches this script only,
            # which then stops the servers in order.
            process = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running.append((name, process, log))
        return process

    def check_alive(self):
        for name, process, log in self.running:
            if process.poll() is not None:
                raise StackError(f"{name} exited ({process.returncode}):\n{tail(log)}")

    def stop_all(self):
        for name, process, _log in reversed(self.running):
            if process.poll() is None:
                # gunicorn: graceful stop of its workers; nginx: fast shutdown.
                process.terminate()
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    say(f"{name} did not stop; killing its process group")
                    # Its own session, started above: the group holds only its processes.
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        self.running.clear()


def wait_until_serving(servers, port, path, timeout=60):
    """Polls until the server at ``port`` answers ``path`` with 200 (bounded by ``timeout``)."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        servers.check_alive()
        try:
            status, _body = http_get(port, path, timeout=5)
            if status == 200:
                return
            last = f"status {status}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise StackError(f"Nothing served http://127.0.0.1:{port}{path} within {timeout} s ({last}).")


def run_task(what, argv, env, timeout, echo=False, cwd=BASE_DIR):
    """Runs a command to completion; its output is shown when it fails (or with ``echo``)."""
    started = time.monotonic()
    try:
        result = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise StackError(f"{what}: no result within {timeout} s") from error
    if result.returncode != 0:
        raise StackError(
            f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    if echo:
        for line in result.stdout.strip().splitlines():
            print("    " + line)
    return result.stdout, time.monotonic() - started


def manage(*args):
    """A manage.py command, run in the checkout that is the task's working directory."""
    return [PYTHON, "manage.py", *args]


def app_task(*args, checkout=BASE_DIR):
    return [PYTHON, str(checkout / "bench" / "app_tasks.py"), *args]


# --- Tools and services ------------------------------------------------------------


def nginx_binary():
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def ensure_tools():
    """wrk and nginx, from Debian's packages if missing (as root)."""
    if shutil.which("wrk") and nginx_binary():
        return
    if os.geteuid() != 0:
        raise StackError("wrk and nginx are needed: apt-get install -y wrk nginx")
    say("Installing wrk and nginx (apt-get)")
    install = ["apt-get", "install", "-y", "-q", "wrk", "nginx"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, env=env, capture_output=True, timeout=600).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
        result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise StackError(f"apt-get install wrk nginx failed:\n{result.stderr[-2000:]}")
    if not (shutil.which("wrk") and nginx_binary()):
        raise StackError("wrk or nginx still missing after apt-get install")


def recreate_database(server_url, name):
    with psycopg.connect(server_url + "/postgres", autocommit=True) as connection:
        # FORCE: a previous run that was killed may have left connections behind.
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def drop_database(server_url, name):
    with psycopg.connect(server_url + "/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- nginx -------------------------------------------------------------------------


def nginx_config(folder, *, port, upstream_port, static_root, media_root, published_root):
    """deploy/nginx.conf with its placeholders replaced, as tests/test_deploy.py does."""
    text = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    replacements = {
        "/srv/portal/staticfiles": str(static_root),
        "/srv/portal/media": str(media_root),
        "/srv/portal/published": str(published_root),
        "/run/nginx.pid": str(folder / "nginx.pid"),
        "/var/log/nginx/": f"{folder}/",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "listen [::]:80;": "",
        "server 127.0.0.1:8001": f"server 127.0.0.1:{upstream_port}",
        "server_name portal.example.gov.cn;": "server_name 127.0.0.1 localhost;",
    }
    for placeholder, value in replacements.items():
        if placeholder not in text:
            raise StackError(f"deploy/nginx.conf no longer contains {placeholder!r}")
        text = text.replace(placeholder, value)
    if os.geteuid() != 0:
        # Only root can switch the workers to www-data. As root they do, and read the
        # temporary folders, which are made world-readable for them.
        text = text.replace("user www-data;", "")
    temp_paths = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    )
    text = text.replace("http {\n", "http {\n" + temp_paths, 1)
    config = folder / "nginx.conf"
    config.write_text(text)
    return config


# --- wrk ---------------------------------------------------------------------------

TIME_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def milliseconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * TIME_UNITS[match.group(2)]


def parse_wrk(output):
    """The figures of wrk's report (with --latency) as a dict."""

    def number(pattern, default=None):
        match = re.search(pattern, output)
        if match is None:
            if default is None:
                raise StackError(f"Unexpected wrk output (no {pattern!r}):\n{output}")
            return default
        return match.group(1)

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": int(number(r"(\d+) requests in")),
        "rps": float(number(r"Requests/sec:\s+([\d.]+)")),
        "p50": milliseconds(number(r"\n\s+50%\s+(\S+)")),
        "p99": milliseconds(number(r"\n\s+99%\s+(\S+)")),
        "non_2xx_3xx": int(number(r"Non-2xx or 3xx responses: (\d+)", "0")),
        # wrk prints the line only when there were some.
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "socket_detail": socket_errors.group(0) if socket_errors else "",
    }


def run_wrk(url, duration, connections=CONNECTIONS, script=None):
    argv = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{duration}s", "--latency"]
    argv += ["--timeout", WRK_TIMEOUT]
    if script:
        argv += ["-s", str(script)]
    result = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if result.returncode != 0:
        raise StackError(f"wrk failed ({result.returncode}): {result.stderr}")
    return parse_wrk(result.stdout)


LOAD_SCRIPT = """-- Written by bench/benchmark.py: every request takes the next address of the mix.
local paths = {%s}
local counter = 0

function setup(thread)
  -- Threads start at different places, so that they do not move in step.
  thread:set("offset", counter)
  counter = counter + 5
end

function init(args)
  position = offset
end

function request()
  position = position + 1
  return wrk.format("GET", paths[(position %% #paths) + 1])
end
"""


# --- The base commit (--compare-with) ----------------------------------------------


def worker_pids(master_pid):
    """The processes whose parent is ``master_pid`` (a gunicorn master's workers)."""
    workers = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2 :].split()[1]) == master_pid:
            workers.append(int(entry.name))
    return workers


def settled_worker_count(master_pid, expected=None, timeout=15):
    """How many workers a gunicorn master has once it has forked them (a few tenths of a
    second apart): ``expected`` of them, or without it the same number for a second."""
    deadline = time.monotonic() + timeout
    count, since = len(worker_pids(master_pid)), time.monotonic()
    while time.monotonic() < deadline:
        if count and (count == expected or (expected is None and time.monotonic() - since >= 1)):
            break
        time.sleep(0.2)
        latest = len(worker_pids(master_pid))
        if latest != count:
            count, since = latest, time.monotonic()
    return count


def git(*args, timeout=120):
    """A git command in this checkout's repository; its output, or StackError."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=BASE_DIR,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StackError(f"git {' '.join(args)}: {error}") from error
    if result.returncode != 0:
        raise StackError(f"git {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout.strip()


class BaseCheckout:
    """Another commit's code in a temporary ``git worktree``: what the new code is
    measured against. It runs with this checkout's interpreter (the same .venv)."""

    def __init__(self, commit):
        self.requested = commit
        self.commit = None
        self.path = None

    def resolve(self):
        """The full commit name, before anything is built (a typo stops the run at once)."""
        if not re.fullmatch(r"[\w./^~@{}-]+", self.requested) or self.requested.startswith("-"):
            raise StackError(f"--compare-with {self.requested!r} does not name a commit")
        try:
            self.commit = git("rev-parse", "--verify", "--quiet", f"{self.requested}^{{commit}}")
        except StackError as error:
            raise StackError(
                f"--compare-with {self.requested}: no such commit in {BASE_DIR}'s repository"
            ) from error
        self.short = self.commit[:7]
        self.subject = git("log", "-1", "--format=%s", self.commit)

    def add(self, folder):
        """Checks the commit out in ``folder`` (inside the run's temporary folder)."""
        say(f"Checking out {self.short} in a git worktree ({folder})")
        self.path = folder
        git("worktree", "add", "--detach", "--quiet", str(folder), self.commit)

    def file(self, relative):
        return self.path / relative

    def remove(self):
        """Removes the worktree and git's record of it (after its servers stopped)."""
        if self.path is None:
            return
        try:
            git("worktree", "remove", "--force", str(self.path))
        except StackError:
            # Half-created (interrupted) or already gone: remove the files, then the record.
            shutil.rmtree(self.path, ignore_errors=True)
            git("worktree", "prune")
        self.path = None


# --- The run -----------------------------------------------------------------------


class Run:
    def __init__(self, args):
        self.args = args
        self.server_url = loopback_only(args.postgres, "PostgreSQL").rstrip("/")
        self.redis_url = loopback_only(args.redis, "Redis")
        self.database = args.database
        self.base = BaseCheckout(args.compare_with) if args.compare_with else None
        if self.base:
            self.base_database = self.database + BASE_DATABASE_SUFFIX
            self.base_redis_url = loopback_only(args.compare_redis, "Redis")
        self.servers = Servers()
        self.folder = None
        self.results = {}
        self.errors = []

    # Each step says what it does; the figures are collected in self.results.

    def prepare(self):
        if self.base:
            self.base.resolve()
            say(f"Comparing with {self.base.short} ({self.base.subject})")
        ensure_tools()
        self.folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        # nginx's workers (www-data when run as root) must read the files below.
        self.folder.chmod(0o755)
        self.static_root = self.folder / "static"
        self.media_root = self.folder / "media"
        self.published_root = self.folder / "published"
        for folder in (self.static_root, self.media_root, self.published_root):
            folder.mkdir(mode=0o755)
        ports = set()
        while len(ports) < 5:
            ports.add(free_port())
        self.uncached_port, self.cached_port, self.steps_port, self.nginx_port, self.base_port = (
            ports
        )
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in APP_VARIABLES and not name.startswith("GUNICORN_")
        }
        env.update(
            DJANGO_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            DATABASE_URL=f"{self.server_url}/{self.database}",
            REDIS_URL=self.redis_url,
            STATIC_ROOT=str(self.static_root),
            MEDIA_ROOT=str(self.media_root),
            STATIC_PUBLISHING_ROOT=str(self.published_root),
            SITE_URL=f"http://127.0.0.1:{self.nginx_port}",
            PAGE_CACHE_SECONDS=str(PAGE_CACHE_SECONDS),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        self.env = env
        self.uncached_env = {**env, "PAGE_CACHE_SECONDS": "0"}
        # The uncached server's settings, plus the addresses of bench/floor_site.py.
        self.steps_env = {**self.uncached_env, "DJANGO_SETTINGS_MODULE": "bench.floor_settings"}

        say(f"Redis {self.redis_url}: flushing that database")
        redis.Redis.from_url(self.redis_url, socket_timeout=5).flushdb()
        say(f"PostgreSQL: creating the database {self.database}")
        recreate_database(self.server_url, self.database)
        if self.base:
            self.prepare_base()

    def prepare_base(self):
        """The base commit's checkout and its own database, Redis database and folders.

        Its settings are those of the uncached gunicorn, with its own places: it shares
        nothing with the new code but the servers (PostgreSQL, Redis) and the .venv.
        """
        self.base.add(self.folder / "base-code")
        base_folder = self.folder / "base"
        self.base_static_root = base_folder / "static"
        for folder in (base_folder, self.base_static_root, base_folder / "media"):
            folder.mkdir(mode=0o755)
        self.base_env = {
            **self.uncached_env,
            "DATABASE_URL": f"{self.server_url}/{self.base_database}",
            "REDIS_URL": self.base_redis_url,
            "STATIC_ROOT": str(self.base_static_root),
            "MEDIA_ROOT": str(base_folder / "media"),
            # publish() re-renders the static pages it changes there, as today's code does
            # in production (what a publisher waits for).
            "STATIC_PUBLISHING_ROOT": str(base_folder / "published"),
        }
        say(f"Checking that the code of {self.base.short} starts with this .venv")
        try:
            run_task(
                f"manage.py check of {self.base.short}",
                manage("check"),
                self.base_env,
                300,
                cwd=self.base.path,
            )
        except StackError as error:
            lines = [line for line in str(error).splitlines() if line.strip()]
            raise StackError(
                f"the code of {self.base.short} does not start with {PYTHON}: {lines[-1]}\n"
                "(its requirements may differ from this checkout's; the comparison needs both "
                "to run in the same .venv). Its last lines:\n" + "\n".join(lines[-12:])
            ) from error
        if self.base_redis_url == self.redis_url:
            say(
                "WARNING: --compare-redis is --redis: the two codes share Redis keys (keep "
                "them apart for a run whose figures count)"
            )
        else:
            say(f"Redis {self.base_redis_url}: flushing that database")
            redis.Redis.from_url(self.base_redis_url, socket_timeout=5).flushdb()
        say(f"PostgreSQL: creating the database {self.base_database}")
        recreate_database(self.server_url, self.base_database)

    def build_site(self):
        n = self.args.departments
        say("Migrating")
        run_task("migrate", manage("migrate", "--noinput", "-v", "0"), self.env, 600)
        # Before the seed: publishing it renders the static pages, which name the
        # fingerprinted static files of the manifest.
        self.collect_static()
        say("Loading the seed (load_initial_data)")
        run_task("load_initial_data", manage("load_initial_data"), self.env, 300, echo=True)
        say("Profiling pages with the seed department only (page cache off)")
        self.results["profile_1"] = self.profile()
        say(f"Generating {n} departments")
        generator = [PYTHON, str(BENCH_DIR / "generate_departments.py"), "--count", str(n)]
        _output, seconds = run_task("generate_departments", generator, self.env, 900, echo=True)
        self.results["generate_seconds"] = seconds
        say(f"Profiling pages with {n + 1} departments (page cache off)")
        self.results["profile_n"] = self.profile()
        say("Statically publishing every page (manage.py publish_static --all)")
        command = manage("publish_static", "--all")
        _output, seconds = run_task("publish_static --all", command, self.env, 3600)
        self.results["publish_static_seconds"] = seconds
        files = sum(
            len([name for name in names if not name.startswith(".")])
            for _root, _dirs, names in os.walk(self.published_root)
        )
        say(f"publish_static --all wrote {files} files in {seconds:.0f} s")
        self.results["published_files"] = files
        # What the timer's run costs when nothing changed since.
        say("Bringing the published pages up to date (manage.py publish_static)")
        _output, seconds = run_task("publish_static", manage("publish_static"), self.env, 3600)
        self.results["publish_static_current_seconds"] = seconds

        # The page measured: a generated department's structure page.
        self.slug = "bench-0001"
        self.page_path = f"/en/government/structure/{self.slug}/"
        # Its bytes as the cached gunicorn answers them (the page names its own address,
        # so the Host header matters) become a static file for whitenoise, which must be
        # in STATIC_ROOT before gunicorn starts; the published file's bytes become one for
        # nginx's /static/ location.
        render = app_task(
            "render",
            self.page_path,
            "--host",
            f"127.0.0.1:{self.cached_port}",
            "--output",
            str(self.static_root / "bench-page.html"),
        )
        run_task("render the benchmark page", render, self.uncached_env, 120)
        # The pages are in the site/ folder of STATIC_PUBLISHING_ROOT (delivery.static_publishing).
        published_page = self.published_root / "site" / self.page_path.strip("/") / "index.html"
        if not published_page.exists():
            raise StackError(f"publish_static did not write {published_page}")
        shutil.copyfile(published_page, self.static_root / "bench-published.html")
        self.page_bytes = (self.static_root / "bench-page.html").read_bytes()
        self.published_bytes = published_page.read_bytes()
        if self.base:
            self.build_base_site()

    def build_base_site(self):
        """The same site with the base commit's code, built by that code's own commands."""
        n = self.args.departments
        base, env = self.base, self.base_env
        say(f"{base.short}: migrating {self.base_database}")
        command = manage("migrate", "--noinput", "-v", "0")
        run_task(f"migrate ({base.short})", command, env, 600, cwd=base.path)
        self.collect_static(env, base.path, warning_key="base_collectstatic_warning")
        say(f"{base.short}: loading the seed (load_initial_data)")
        command = manage("load_initial_data")
        run_task(f"load_initial_data ({base.short})", command, env, 300, cwd=base.path)
        generator = base.file("bench/generate_departments.py")
        if not generator.exists():
            raise StackError(
                f"{base.short} has no bench/generate_departments.py to fill its database"
            )
        say(f"{base.short}: generating {n} departments with its own generate_departments.py")
        command = [PYTHON, str(generator), "--count", str(n)]
        _output, seconds = run_task(
            f"generate_departments ({base.short})", command, env, 900, echo=True, cwd=base.path
        )
        self.results["base_generate_seconds"] = seconds

    def collect_static(self, env=None, checkout=BASE_DIR, warning_key="collectstatic_warning"):
        env = env or self.env
        say("Collecting static files (collectstatic)")
        try:
            command = manage("collectstatic", "--noinput", "-v", "0")
            run_task("collectstatic", command, env, 600, cwd=checkout)
        except StackError as error:
            if "could not be found" not in str(error):
                raise
            # See app_tasks.collectstatic: a project bug, not something to measure.
            reason = next(
                (line for line in str(error).splitlines() if "could not be found" in line), ""
            )
            self.results[warning_key] = reason.strip()
            say(
                "WARNING: collectstatic fails in production mode "
                f"({reason.strip()}); collecting with bench/app_tasks.py's tolerant storage"
            )
            command = app_task("collectstatic", checkout=checkout)
            run_task("collectstatic (tolerant)", command, env, 600, cwd=checkout)

    def profile(self):
        output, _seconds = run_task(
            "profile", app_task("profile", "--json"), self.uncached_env, 1200
        )
        return json.loads(output.strip().splitlines()[-1])

    def start_stack(self):
        for name, port, env in [
            ("gunicorn (page cache off)", self.uncached_port, self.uncached_env),
            ("gunicorn (page cache on)", self.cached_port, self.env),
            ("gunicorn (page cost, step by step)", self.steps_port, self.steps_env),
        ]:
            say(f"Starting {name} on 127.0.0.1:{port}")
            argv = [GUNICORN, "-c", "deploy/gunicorn.conf.py", "portal.wsgi"]
            log = self.folder / f"gunicorn-{port}.log"
            env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            process = self.servers.start(name, argv, env, log)
            if port == self.uncached_port:
                self.uncached_master = process
        # The task worker of deploy/worker.sh: it writes the published files a publication
        # queues (the ones load_initial_data queued before the stack ran come first).
        say("Starting the task worker (manage.py db_worker)")
        worker = manage("db_worker", "--interval", "0.2", "--no-reload", "--no-startup-delay")
        self.servers.start("db_worker", worker, self.env, self.folder / "db_worker.log")
        nginx_folder = self.folder / "nginx"
        nginx_folder.mkdir(mode=0o755)
        config = nginx_config(
            nginx_folder,
            port=self.nginx_port,
            upstream_port=self.cached_port,
            static_root=self.static_root,
            media_root=self.media_root,
            published_root=self.published_root,
        )
        nginx = [nginx_binary(), "-c", str(config), "-p", str(nginx_folder)]
        nginx += ["-e", str(nginx_folder / "error.log")]
        test = subprocess.run([*nginx, "-t"], capture_output=True, text=True, timeout=60)
        if test.returncode != 0:
            raise StackError(f"nginx -t refused the configuration:\n{test.stderr}")
        say(f"Starting nginx on 127.0.0.1:{self.nginx_port}")
        self.servers.start("nginx", [*nginx, "-g", "daemon off;"], None, nginx_folder / "out.log")
        for port in (self.uncached_port, self.cached_port, self.steps_port, self.nginx_port):
            wait_until_serving(self.servers, port, self.page_path)
        self.check_answers()
        if self.base:
            self.start_base_server()

    def start_base_server(self):
        """A gunicorn of the base commit, configured as the uncached one: production mode,
        page cache off, its own deploy/gunicorn.conf.py with the same number of workers."""
        workers = settled_worker_count(self.uncached_master.pid)
        if not workers:
            raise StackError("the uncached gunicorn has no workers")
        base = self.base
        name = f"gunicorn of {base.short} (page cache off)"
        say(f"Starting {name} on 127.0.0.1:{self.base_port}, {workers} workers")
        env = {
            **self.base_env,
            "GUNICORN_BIND": f"127.0.0.1:{self.base_port}",
            "GUNICORN_WORKERS": str(workers),
        }
        argv = [GUNICORN, "-c", "deploy/gunicorn.conf.py", "portal.wsgi"]
        log = self.folder / f"gunicorn-{self.base_port}-base.log"
        master = self.servers.start(name, argv, env, log, cwd=base.path)
        wait_until_serving(self.servers, self.base_port, self.page_path)
        status, body = http_get(self.base_port, self.page_path)
        if status != 200:
            raise StackError(f"{name}: {self.page_path} answered {status}")
        self.results["base_page_size"] = len(body)
        self.results["base_workers"] = settled_worker_count(master.pid, expected=workers)
        self.results["workers"] = workers
        same_config = (BASE_DIR / "deploy" / "gunicorn.conf.py").read_bytes() == base.file(
            "deploy/gunicorn.conf.py"
        ).read_bytes()
        self.results["same_gunicorn_conf"] = same_config

    def check_answers(self):
        """Each measured address answers 200 with the expected bytes, before any load."""
        checks = [
            (self.cached_port, self.page_path, self.page_bytes, "Django (cached) page"),
            (self.cached_port, "/static/bench-page.html", self.page_bytes, "whitenoise file"),
            (self.nginx_port, self.page_path, self.published_bytes, "nginx published page"),
            (
                self.nginx_port,
                "/static/bench-published.html",
                self.published_bytes,
                "nginx static file",
            ),
            *(
                (self.steps_port, path, self.page_bytes, f"page cost step {path}")
                for _key, _label, path in self.step_paths()
            ),
        ]
        for port, path, expected, what in checks:
            status, body = http_get(port, path)
            if status != 200:
                raise StackError(f"{what}: http://127.0.0.1:{port}{path} answered {status}")
            if body != expected:
                # Not fatal: the comparison is of equal sizes; but say so.
                say(f"NOTE: {what} differs from the file it is compared with")
        self.results["page_size"] = len(self.page_bytes)
        self.results["published_size"] = len(self.published_bytes)

    def wait_for_quiet(self, deadline):
        """Waits (until ``deadline``) while other work keeps the CPU busy; returns the share."""
        busy = busy_cpu_fraction()
        while busy > BUSY_FRACTION and time.monotonic() < deadline:
            say(f"{busy:.0%} of the CPU busy with other work; waiting")
            time.sleep(QUIET_POLL_SECONDS)
            busy = busy_cpu_fraction()
        return busy

    def measure(self):
        # Other work on the machine takes CPU from the servers. Before measuring, wait
        # (bounded) for it to end; during each measurement, count the CPU time of every
        # process outside the stack, and repeat a measurement it disturbed.
        self.deadline = time.monotonic() + self.args.wait_for_quiet
        self.results["busy_before"] = self.wait_for_quiet(self.deadline)
        path = self.page_path
        runs = [
            ("uncached", "Structure page, page cache off (gunicorn)", self.uncached_port, path),
            ("cached", "Same page, Django page cache (gunicorn)", self.cached_port, path),
            (
                "whitenoise",
                "Same bytes, static file (whitenoise)",
                self.cached_port,
                "/static/bench-page.html",
            ),
            ("published", "Statically published page (nginx)", self.nginx_port, path),
            (
                "nginx_static",
                "Same bytes, static file (nginx)",
                self.nginx_port,
                "/static/bench-published.html",
            ),
        ]
        self.measurements = [self.measure_one(*run) for run in runs]
        # The same bytes from Django after doing part of the page's work: what each step
        # of the uncached page costs (bench/floor_site.py).
        self.steps = [
            self.measure_one(key, label, self.steps_port, url_path)
            for key, label, url_path in self.step_paths()
        ]

    def step_paths(self):
        return [
            ("step_bytes", "The page's bytes, no database", f"/bench-steps/bytes/{self.slug}/"),
            (
                "step_data",
                "+ reading the publication (1 query)",
                f"/bench-steps/data/{self.slug}/",
            ),
        ]

    def measure_one(self, key, label, port, url_path):
        figures = self.measure_address(label, port, url_path)
        self.results[key] = figures
        return key, label, figures

    def measure_address(self, label, port, url_path):
        """wrk on one address; repeated (bounded) when other work disturbed it."""
        duration = self.args.duration
        url = f"http://127.0.0.1:{port}{url_path}"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            say(f"wrk {duration} s, {CONNECTIONS} connections: {label}")
            # Warm up: every worker compiles its templates, the cache gets the page.
            run_wrk(url, WARM_UP_SECONDS)
            before = self.outside_cpu()
            figures = run_wrk(url, duration)
            figures["outside_cpu"] = self.outside_cpu_share(before, duration)
            self.servers.check_alive()
            if figures["outside_cpu"] <= DISTURBED_SHARE or attempt == MAX_ATTEMPTS:
                break
            say(
                f"  disturbed: other processes used {figures['outside_cpu']:.0%} of the CPU;"
                " measuring again"
            )
            self.wait_for_quiet(self.deadline)
        figures["attempts"] = attempt
        self.note_errors(label, figures)
        return figures

    def compare_with_base(self):
        """The uncached structure page of the base commit and of this code, in turn.

        Rounds of one measurement each, the base commit's first, so that a change of the
        machine's speed during the run (other work, heat) falls on both alike; the
        per-round ratios say how steady the comparison was.
        """
        base = self.base
        rounds = []
        say(
            f"Against {base.short}: {self.args.compare_rounds} rounds of the uncached "
            f"structure page, {base.short}'s then this code's"
        )
        # Waits for quiet (bounded) as before the first measurements, with a new deadline.
        self.deadline = time.monotonic() + self.args.wait_for_quiet
        self.wait_for_quiet(self.deadline)
        for number in range(1, self.args.compare_rounds + 1):
            label = f"round {number}, {base.short} uncached (gunicorn)"
            old = self.measure_address(label, self.base_port, self.page_path)
            label = f"round {number}, this code uncached (gunicorn)"
            new = self.measure_address(label, self.uncached_port, self.page_path)
            ratio = new["rps"] / old["rps"] if old["rps"] else float("inf")
            say(f"  round {number}: {old['rps']:.0f} vs {new['rps']:.0f} req/s, {ratio:.2f}x")
            rounds.append({"base": old, "new": new, "ratio": ratio})
        self.results["against_base"] = rounds

    def time_publishing(self):
        """What a publisher waits for in publish(), in each checkout (app_tasks time-publish).

        A generated department other than those measured and published during the load
        test; the base commit's with its own app_tasks.py, in its own database.
        """
        n = self.args.departments
        slug = f"bench-{max(1, n * 3 // 4):04d}"
        self.results["publish_slug"] = slug
        sides = []
        if self.base:
            tasks = self.base.file("bench/app_tasks.py")
            if tasks.exists() and "time-publish" in tasks.read_text():
                # As this code's below: a publisher's process has the page cache on.
                env = {**self.base_env, "PAGE_CACHE_SECONDS": str(PAGE_CACHE_SECONDS)}
                sides.append(("base", self.base.short, env, self.base.path))
            else:
                say(f"{self.base.short}'s bench/app_tasks.py has no time-publish: not timed")
        sides.append(("new", "this code", self.env, BASE_DIR))
        for key, name, env, checkout in sides:
            say(f"Timing publish() of {slug}, {PUBLISH_REPEAT} times, {name}")
            command = app_task(
                "time-publish", slug, "--repeat", str(PUBLISH_REPEAT), checkout=checkout
            )
            before = self.outside_cpu()
            started = time.monotonic()
            output, _seconds = run_task(f"time-publish ({name})", command, env, 900, cwd=checkout)
            share = self.outside_cpu_share(before, time.monotonic() - started)
            timings = [float(ms) for ms in re.findall(r"publish\(\) \d+: ([\d.]+) ms", output)]
            if len(timings) != PUBLISH_REPEAT:
                raise StackError(f"time-publish ({name}) printed no timings:\n{output[-2000:]}")
            self.results[f"publish_ms_{key}"] = {
                "timings": timings,
                "median": statistics.median(timings),
                "outside_cpu": share,
            }

    def outside_cpu(self):
        own = [os.getpid()] + [process.pid for _name, process, _log in self.servers.running]
        return cpu_seconds_outside(own)

    def outside_cpu_share(self, before, seconds):
        """Share of all cores' time used by processes outside the stack since ``before``."""
        after = self.outside_cpu()
        used = sum(after[pid] - before.get(pid, 0.0) for pid in after if pid in before)
        # Processes started meanwhile and still running count whole.
        used += sum(ticks for pid, ticks in after.items() if pid not in before)
        # A parent that reaped a long-running child meanwhile adds all of the child's
        # time: an over-estimate, capped at the whole machine.
        return min(1.0, used / (seconds * (os.cpu_count() or 1)))

    def note_errors(self, label, figures):
        if figures["non_2xx_3xx"] or figures["socket_errors"]:
            self.errors.append(
                f"{label}: {figures['non_2xx_3xx']} non-2xx/3xx answers, "
                f"{figures['socket_errors']} socket errors {figures['socket_detail']}"
            )

    def load_test(self):
        n = self.args.departments
        self.marked_slug = f"bench-{max(1, n // 2):04d}"
        # Four structure pages (fewer with very few departments), both languages.
        slugs = list(
            dict.fromkeys(["public-security", "bench-0001", self.marked_slug, f"bench-{n:04d}"])
        )
        paths = [
            f"/{lang}/government/structure/{slug}/" for slug in slugs for lang in ("en", "zh-hans")
        ]
        paths += [
            "/en/government/structure/",
            "/en/search/?q=police",
            f"/api/v1/departments/{self.marked_slug}/?lang=en",
            "/api/v1/departments/public-security/?lang=en",
        ]
        for path in paths:
            status, _body = http_get(self.nginx_port, path, timeout=60)
            if status != 200:
                raise StackError(f"{path} answered {status} through nginx before the load test")
        script = self.folder / "mix.lua"
        script.write_text(LOAD_SCRIPT % ", ".join(json.dumps(path) for path in paths))
        self.results["load_paths"] = paths

        duration = self.args.load_duration
        url = f"http://127.0.0.1:{self.nginx_port}"
        say(
            f"Load test: wrk {duration} s, {LOAD_CONNECTIONS} connections through nginx, "
            f"{len(paths)} addresses; publishing {self.marked_slug} half-way"
        )
        argv = ["wrk", f"-t{THREADS}", f"-c{LOAD_CONNECTIONS}", f"-d{duration}s", "--latency"]
        argv += ["--timeout", WRK_TIMEOUT, "-s", str(script), url]
        before = self.outside_cpu()
        wrk = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(duration / 2)
            if wrk.poll() is not None:
                raise StackError(f"wrk stopped early: {wrk.stderr.read()}")
            self.results["visibility"] = self.publish_and_watch()
            stdout, stderr = wrk.communicate(timeout=duration + 120)
        finally:
            if wrk.poll() is None:
                wrk.kill()
                wrk.wait()
        if wrk.returncode != 0:
            raise StackError(f"wrk failed ({wrk.returncode}): {stderr}")
        figures = parse_wrk(stdout)
        figures["outside_cpu"] = self.outside_cpu_share(before, duration)
        self.servers.check_alive()
        self.results["load"] = figures
        self.note_errors("Load test", figures)
        # Did other work start meanwhile? (The stack is idle again.)
        self.results["busy_after"] = busy_cpu_fraction()

    def publish_and_watch(self):
        """Publishes a change in another process, then polls until the pages show it."""
        marker = f"Benchmark marker {time.strftime('%H%M%S')}-{secrets.token_hex(3)}"
        path = f"/en/government/structure/{self.marked_slug}/"
        say(f"Publishing {self.marked_slug} renamed to {marker!r}")
        helper = subprocess.Popen(
            app_task("publish-marker", self.marked_slug, marker),
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            times = read_publish_times(helper)
            returned = times["returned"]
            targets = {"nginx": self.nginx_port, "gunicorn (cached)": self.cached_port}
            # Polling starts at once (the helper exits meanwhile), one thread per target so
            # that a poll queued behind the load test in gunicorn does not delay nginx's.
            with ThreadPoolExecutor(max_workers=len(targets)) as pool:
                futures = {
                    name: pool.submit(first_showing, port, path, marker.encode(), returned)
                    for name, port in targets.items()
                }
                visible = {name: future.result() for name, future in futures.items()}
        finally:
            try:
                helper.wait(timeout=60)
            except subprocess.TimeoutExpired:
                helper.kill()
                helper.wait()
        for name, seen in visible.items():
            if seen is None:
                say(f"  {name}: never showed the change ({MAX_POLLS} polls)")
            else:
                say(
                    f"  {name}: showed the change in the answer to poll {seen['polls']}, sent "
                    f"{seen['sent']:.3f} s after publish() returned (answered at "
                    f"{seen['answered']:.3f} s)"
                )
        return {"publish_seconds": returned - times["called"], "visible": visible}

    # --- Report ----------------------------------------------------------------------

    def report(self):
        r = self.results
        n = self.args.departments
        print()
        print("=" * 96)
        print(
            f"Portal benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
            f"{n} generated departments (+ the seed)"
        )
        print("=" * 96)
        busy = max(r["busy_before"], r.get("busy_after", 0)) > BUSY_FRACTION
        print(
            f"CPU busy with other work, stack idle: {r['busy_before']:.0%} before measuring, "
            f"{r.get('busy_after', 0):.0%} after "
            f"({'BUSY: other work competed with the servers' if busy else 'quiet machine'})"
        )
        for key in ("collectstatic_warning", "base_collectstatic_warning"):
            if key in r:
                print(f"WARNING: production collectstatic failed: {r[key]}")
        print(
            f"Generator: {r['generate_seconds']:.1f} s (with Django start-up);  publish_static "
            f"--all: {r['publish_static_seconds']:.0f} s for {r['published_files']} files, then "
            f"without --all (nothing changed): {r['publish_static_current_seconds']:.1f} s"
        )
        print(
            f"Page measured: {self.page_path}, {r['page_size']} bytes from Django, "
            f"{r['published_size']} bytes published"
        )
        print()
        print(
            f"Single page, wrk -t{THREADS} -c{CONNECTIONS} -d{self.args.duration}s "
            f"(after a {WARM_UP_SECONDS} s warm-up):"
        )
        print(
            f"  {'':42} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>8} {'non-2xx':>7} "
            f"{'sock.err':>8} {'other CPU':>9}"
        )
        for _key, label, figures in self.measurements:
            print(self.wrk_line(label, figures))
        print(
            "  (other CPU: share of the machine used meanwhile by processes outside the stack;"
            f" over {DISTURBED_SHARE:.0%}, a measurement is repeated)"
        )
        self.report_steps()
        if "load" in r:
            self.report_load_test()
        self.report_queries()
        if "against_base" in r:
            self.report_against_base()
        self.report_publishing()
        print()
        print("Targets (issue 19):")
        for label, value, target, passed in self.checks():
            verdict = "PASS" if passed else "FAIL"
            print(f"  {label:52} {value:>9}  target {target:9} {verdict}")
        if not self.base:
            print(
                "  (the uncached page against today's code: run with --compare-with COMMIT, "
                "see bench/README.md)"
            )
        print()
        if self.errors:
            print("ERRORS (exit status 1):")
            for error in self.errors:
                print("  " + error)
        else:
            print("No request failed.")

    @staticmethod
    def wrk_line(label, figures):
        retried = f" ({figures['attempts']} tries)" if figures["attempts"] > 1 else ""
        return (
            f"  {label:42} {figures['rps']:7.0f} {figures['p50']:7.2f} {figures['p99']:8.2f} "
            f"{figures['non_2xx_3xx']:7} {figures['socket_errors']:8} "
            f"{figures['outside_cpu']:9.0%}{retried}"
        )

    def checks(self):
        """(label, value, target, passed) of each target, values and targets as text."""
        r = self.results
        checks = []

        def ratio(label, value, target):
            checks.append((label, f"{value:.2f}", f">= {target}", value >= target))

        if self.args.departments == GENERATOR_TARGET_COUNT:
            seconds = r["generate_seconds"]
            checks.append(
                (
                    f"Generator, {GENERATOR_TARGET_COUNT} departments, s",
                    f"{seconds:.1f}",
                    f"< {GENERATOR_TARGET}",
                    seconds < GENERATOR_TARGET,
                )
            )
        if "against_base" in r:
            ratio(
                f"Uncached page, this code / {self.base.short} (median ratio)",
                statistics.median(row["ratio"] for row in r["against_base"]),
                AGAINST_BASE_TARGET,
            )
        ratio(
            "Django page cache / whitenoise",
            r["cached"]["rps"] / r["whitenoise"]["rps"],
            CACHED_RATIO_TARGET,
        )
        ratio(
            "Published page / nginx static file",
            r["published"]["rps"] / r["nginx_static"]["rps"],
            PUBLISHED_RATIO_TARGET,
        )
        if "publish_ms_new" in r:
            median = r["publish_ms_new"]["median"]
            checks.append(
                (
                    f"publish() median of {PUBLISH_REPEAT}, ms",
                    f"{median:.0f}",
                    f"< {PUBLISH_TARGET_MS}",
                    median < PUBLISH_TARGET_MS,
                )
            )
        # A page is visible from the moment a request for it gets the new content: the
        # sending time of the first poll that showed it (its answer may have waited in a
        # queue behind the load test).
        for name, seen in r.get("visibility", {}).get("visible", {}).items():
            seconds = seen["sent"] if seen else float("inf")
            checks.append(
                (
                    f"Publication visible via {name}, s",
                    f"{seconds:.2f}",
                    f"< {VISIBLE_TARGET}",
                    seconds < VISIBLE_TARGET,
                )
            )
        if "load" in r:
            failed = r["load"]["non_2xx_3xx"] + r["load"]["socket_errors"]
            checks.append(
                ("Load test during a publish, failed requests", str(failed), "0", not failed)
            )
        one, many = r["profile_1"]["pages"], r["profile_n"]["pages"]
        count = r["profile_n"]["published_departments"]
        structure = many["structure page"]["queries"]
        checks.append(
            (
                f"Structure page queries ({count} published)",
                str(structure),
                f"{STRUCTURE_PAGE_QUERIES}",
                structure == STRUCTURE_PAGE_QUERIES,
            )
        )
        for name, page in many.items():
            if name == "structure page":
                continue
            before = one[name]["queries"]
            checks.append(
                (
                    f"{name[0].upper()}{name[1:]} queries, 1 and {count} published",
                    f"{before} / {page['queries']}",
                    "equal",
                    before == page["queries"],
                )
            )
        checks.append(
            (
                "Uncached structure page, req/s (earlier target)",
                f"{r['uncached']['rps']:.0f}",
                f">= {UNCACHED_TARGET}",
                r["uncached"]["rps"] >= UNCACHED_TARGET,
            )
        )
        return checks

    def report_load_test(self):
        r = self.results
        load = r["load"]
        print()
        print(
            f"Load test through nginx: wrk -t{THREADS} -c{LOAD_CONNECTIONS} "
            f"-d{self.args.load_duration}s over {len(r['load_paths'])} addresses"
        )
        print(
            f"  {load['requests']} requests, {load['rps']:.0f} req/s, "
            f"p50 {load['p50']:.2f} ms, p99 {load['p99']:.2f} ms, "
            f"{load['non_2xx_3xx']} non-2xx/3xx, "
            f"{load['socket_errors']} socket errors, other CPU {load['outside_cpu']:.0%}  "
            f"{'PASS' if not (load['non_2xx_3xx'] or load['socket_errors']) else 'FAIL'}"
        )
        print(
            f"  publish() of {self.marked_slug} in another process took "
            f"{r['visibility']['publish_seconds']:.2f} s (re-rendering its pages and the "
            "lists that changed)"
        )
        for name, seen in r["visibility"]["visible"].items():
            if seen:
                print(
                    f"  first answer with the change via {name}: poll {seen['polls']}, sent "
                    f"{seen['sent']:.3f} s and answered {seen['answered']:.3f} s after "
                    "publish() returned"
                )

    def report_queries(self):
        one, many = self.results["profile_1"], self.results["profile_n"]
        print()
        print(
            f"Queries and median render time in-process (page cache off), "
            f"{one['published_departments']} vs {many['published_departments']} "
            "published departments:"
        )
        print(f"  {'':16} {'queries':>8} {'queries':>8} {'ms':>9} {'ms':>9}  equal queries?")
        print(
            f"  {'':16} {one['published_departments']:>8} {many['published_departments']:>8} "
            f"{one['published_departments']:>9} {many['published_departments']:>9}"
        )
        for name, page in one["pages"].items():
            other = many["pages"][name]
            same = "yes" if page["queries"] == other["queries"] else "NO"
            print(
                f"  {name:16} {page['queries']:8} {other['queries']:8} {page['median_ms']:9.1f} "
                f"{other['median_ms']:9.1f}  {same}"
            )

    def report_against_base(self):
        r = self.results
        base = self.base
        rounds = r["against_base"]
        print()
        print(f"Against {base.short} ({textwrap.shorten(base.subject, 80, placeholder=' …')})")
        conf = (
            "the same deploy/gunicorn.conf.py"
            if r["same_gunicorn_conf"]
            else "ITS OWN deploy/gunicorn.conf.py, which differs from this checkout's"
        )
        print(
            f"  its own git worktree, database {self.base_database} filled by its own "
            f"generate_departments.py ({r['base_generate_seconds']:.1f} s), gunicorn with {conf}, "
            f"{r['base_workers']} workers (this code's: {r['workers']}), page cache off"
        )
        print(
            f"  {self.page_path}: {r['base_page_size']} bytes from {base.short}, "
            f"{r['page_size']} from this code"
        )
        print(
            f"  Uncached structure page, wrk -t{THREADS} -c{CONNECTIONS} -d{self.args.duration}s "
            f"each, {len(rounds)} rounds, {base.short} first in each:"
        )
        print(
            f"  {'':42} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>8} {'non-2xx':>7} "
            f"{'sock.err':>8} {'other CPU':>9}"
        )
        for number, row in enumerate(rounds, start=1):
            print(self.wrk_line(f"round {number}, {base.short}", row["base"]))
            print(self.wrk_line(f"round {number}, this code", row["new"]))
            print(f"  {'':42} {'':7} this code / {base.short}: {row['ratio']:.2f}")
        old = statistics.median(row["base"]["rps"] for row in rounds)
        new = statistics.median(row["new"]["rps"] for row in rounds)
        ratios = [row["ratio"] for row in rounds]
        median = statistics.median(ratios)
        verdict = "PASS" if median >= AGAINST_BASE_TARGET else "FAIL"
        print(f"  medians: {base.short} {old:.0f} req/s, this code {new:.0f} req/s")
        print(
            f"  this code / {base.short}, median of the rounds' ratios: {median:.2f} "
            f"(rounds {min(ratios):.2f}-{max(ratios):.2f})  target >= {AGAINST_BASE_TARGET}  "
            f"{verdict}"
        )

    def report_publishing(self):
        r = self.results
        sides = []
        if "publish_ms_base" in r:
            sides.append((self.base.short, r["publish_ms_base"]))
        if "publish_ms_new" in r:
            sides.append(("this code", r["publish_ms_new"]))
        if not sides:
            return
        print()
        print(
            f"publish() of {r['publish_slug']} as a publisher waits for it "
            f"(app_tasks.py time-publish, {PUBLISH_REPEAT} times, static publishing on):"
        )
        for name, figures in sides:
            timings = " ".join(f"{ms:.0f}" for ms in figures["timings"])
            print(
                f"  {name:12} median {figures['median']:6.0f} ms  ({timings} ms; other CPU "
                f"{figures['outside_cpu']:.0%})"
            )
        if self.base and "publish_ms_base" not in r:
            print(f"  {self.base.short}: not timed (its app_tasks.py has no time-publish)")
        new = r.get("publish_ms_new", {}).get("median", float("inf"))
        print(
            f"  target: this code's median < {PUBLISH_TARGET_MS} ms  "
            f"{'PASS' if new < PUBLISH_TARGET_MS else 'FAIL'}"
        )

    def report_steps(self):
        """What each step of the uncached page costs: the machine's time per request."""
        cores = os.cpu_count() or 1
        rows = [
            *self.steps,
            ("uncached", "+ the templates: the real page", self.results["uncached"]),
        ]
        print()
        print(
            "The uncached page, step by step: the same bytes answered by Django after part of"
            " its work (bench/floor_site.py), wrk as above:"
        )
        print(f"  {'':42} {'req/s':>7} {'ms/req':>7} {'step ms':>8} {'other CPU':>9}")
        before = None
        for _key, label, figures in rows:
            # All cores' time per request: gunicorn, PostgreSQL, Redis and wrk together.
            cost = cores * 1000 / figures["rps"] if figures["rps"] else float("inf")
            step = f"{cost - before:+8.2f}" if before is not None else f"{'':8}"
            print(
                f"  {label:42} {figures['rps']:7.0f} {cost:7.2f} {step} "
                f"{figures['outside_cpu']:9.0%}"
            )
            before = cost
        print(
            f"  (ms/req: {cores} cores' time per request; {UNCACHED_TARGET} req/s leaves "
            f"{cores * 1000 / UNCACHED_TARGET:.2f} ms for everything a request costs)"
        )

    def remove_folder(self):
        if self.folder:
            shutil.rmtree(self.folder)

    def cleanup(self):
        self.servers.stop_all()
        actions = [
            (
                f"drop the database {self.database}",
                lambda: drop_database(self.server_url, self.database),
            ),
            (
                "flush the Redis database",
                lambda: redis.Redis.from_url(self.redis_url, socket_timeout=5).flushdb(),
            ),
        ]
        if self.base:
            actions += [
                (
                    f"drop the database {self.base_database}",
                    lambda: drop_database(self.server_url, self.base_database),
                ),
                (
                    "flush the base commit's Redis database",
                    lambda: redis.Redis.from_url(self.base_redis_url, socket_timeout=5).flushdb(),
                ),
                (f"remove the git worktree of {self.base.requested}", self.base.remove),
            ]
        actions.append(("remove the temporary folder", self.remove_folder))
        for what, action in actions:
            try:
                action()
            except Exception as error:  # noqa: BLE001 - clean up the rest regardless
                print(f"Could not {what}: {error}", file=sys.stderr)


def interrupt(_signal_number, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=5000, help="generated (5000)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per page (15)")
    parser.add_argument("--load-duration", type=int, default=60, help="load test seconds (60)")
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432",
        help="PostgreSQL server, without database (on 127.0.0.1)",
    )
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/3", help="Redis database to use and flush"
    )
    parser.add_argument(
        "--wait-for-quiet",
        type=int,
        default=0,
        metavar="SECONDS",
        help="before measuring, wait up to this long for other work on the machine to end (0)",
    )
    parser.add_argument(
        "--database",
        default=DATABASE,
        help=f"PostgreSQL database to create and drop ({DATABASE}; the base commit's: "
        f"this name + {BASE_DATABASE_SUFFIX})",
    )
    parser.add_argument(
        "--compare-with",
        metavar="COMMIT",
        help="also measure the uncached structure page and publish() of this commit's code "
        "(a temporary git worktree), in alternating rounds (off)",
    )
    parser.add_argument(
        "--compare-rounds",
        type=int,
        default=8,
        help="rounds of the comparison, each one measurement of each code (8)",
    )
    parser.add_argument(
        "--compare-redis",
        default="redis://127.0.0.1:6379/4",
        help="Redis database of the base commit's code, to use and flush",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.departments <= 99999:
        parser.error("--departments must be between 1 and 99999")
    if not 1 <= args.duration <= 600 or not 2 <= args.load_duration <= 1800:
        parser.error("--duration must be 1-600 s and --load-duration 2-1800 s")
    if not 0 <= args.wait_for_quiet <= 3600:
        parser.error("--wait-for-quiet must be 0-3600 s")
    if not 1 <= args.compare_rounds <= 50:
        parser.error("--compare-rounds must be between 1 and 50")
    # The name goes into SQL (CREATE DATABASE), unquoted.
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", args.database):
        parser.error("--database must be a lower-case SQL name of at most 41 characters")

    # A `kill` stops the run like Ctrl-C: through the cleanup below.
    signal.signal(signal.SIGTERM, interrupt)
    run = Run(args)
    started = time.monotonic()
    status = 0
    try:
        run.prepare()
        run.build_site()
        run.start_stack()
        run.measure()
        run.load_test()
        if run.base:
            run.compare_with_base()
        run.time_publishing()
        run.report()
        status = 1 if run.errors else 0
        if run.errors:
            # The logs go with the temporary folder: show what the servers said first.
            for _name, _process, log in run.servers.running:
                print(f"--- last lines of {Path(log).name}\n{errors_in_log(log)}")
    except StackError as error:
        print(f"\nThe stack failed: {error}", file=sys.stderr)
        for _name, _process, log in run.servers.running:
            print(f"--- {log}\n{tail(log)}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        print("\nInterrupted; cleaning up.", file=sys.stderr)
        status = 130
    finally:
        say("Stopping the servers and removing the database, Redis keys and temporary files")
        run.cleanup()
        say(f"Done in {time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
