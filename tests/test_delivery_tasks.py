"""The published files are re-rendered by a worker, off the publisher's request.

With the database backend of production (django_tasks_db), a publication only queues
the task, once its transaction has committed; ``manage.py db_worker`` renders. These
tests commit, as requests in production do.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import SiteSettings
from departments.models import Department
from departments.services import publish
from tests.conftest import load_published_seed

EN_PAGE = "en/government/structure/public-security/index.html"
DIRECTORY_PAGE = "en/government/structure/index.html"


@pytest.fixture
def published_root(transactional_db, tmp_path, settings):
    """The seed, committed and published as files, with the database backend of production."""
    settings.STATIC_PUBLISHING_ROOT = str(tmp_path / "published")
    settings.SITE_URL = "http://testserver"
    load_published_seed()
    call_command("publish_static", verbosity=0)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DBTaskResult.objects.all().delete()
    return tmp_path / "published" / "site"


@pytest.fixture
def seed_draft(published_root):
    return Department.objects.drafts().get(slug="public-security")


def run_worker():
    """``manage.py db_worker`` until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())


def rename_and_publish(draft, name, **options):
    draft.name_en = name
    draft.save()
    return publish(draft, **options)


def test_a_publication_queues_the_rerendering_and_renders_nothing(published_root, seed_draft):
    before = (published_root / EN_PAGE).read_bytes()
    rename_and_publish(seed_draft, "Department of Public Safety")
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "delivery.tasks.refresh_pages"
    assert queued.args_kwargs["args"] == ["department", ["public-security"]]
    assert queued.status == "READY"
    assert (published_root / EN_PAGE).read_bytes() == before


def test_the_worker_writes_the_files(client, published_root, seed_draft):
    rename_and_publish(seed_draft, "Department of Public Safety")
    run_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = (published_root / EN_PAGE).read_text()
    assert "Department of Public Safety" in page
    assert "Department of Public Safety" in (published_root / DIRECTORY_PAGE).read_text()
    assert page.encode() == client.get("/en/government/structure/public-security/").content


def test_a_site_change_is_rendered_by_the_worker_too(published_root):
    row = SiteSettings.load()
    row.footer_text_en = "A footer on every published page"
    row.save()
    assert DBTaskResult.objects.get().task_path == "delivery.tasks.refresh_site"
    assert "A footer on every published page" not in (published_root / EN_PAGE).read_text()
    run_worker()
    for page in [EN_PAGE, DIRECTORY_PAGE, "en/index.html"]:
        assert "A footer on every published page" in (published_root / page).read_text()


def test_a_rolled_back_publication_queues_nothing(published_root, seed_draft):
    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        rename_and_publish(seed_draft, "Department of Public Safety")
        raise RolledBack
    assert not DBTaskResult.objects.exists()


def test_a_scheduled_publication_queues_a_rerendering_for_its_moment(published_root, seed_draft):
    moment = timezone.now() + timedelta(hours=1)
    rename_and_publish(seed_draft, "Department of Public Safety", live_from=moment)
    later = DBTaskResult.objects.get(run_after=moment)
    assert later.args_kwargs["args"] == ["department", ["public-security"]]
    # Until then Django serves the page, which switches on time; the worker leaves the
    # deferred task waiting.
    run_worker()
    assert not (published_root / EN_PAGE).exists()
    assert DBTaskResult.objects.get(pk=later.pk).status == "READY"
    DBTaskResult.objects.filter(pk=later.pk).update(run_after=timezone.now())
    Department.objects.scheduled().update(live_from=timezone.now())
    run_worker()
    assert "Department of Public Safety" in (published_root / EN_PAGE).read_text()


# --- The worker of deploy/worker.sh, in its own process --------------------------------------


@pytest.fixture
def running_worker(published_root):
    """``manage.py db_worker --interval 0.2`` (deploy/worker.sh) on the test database."""
    database = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("another process reads the test database: PostgreSQL")
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASKS_IMMEDIATE": "false",
        "STATIC_PUBLISHING_ROOT": str(published_root.parent),
        "SITE_URL": "http://127.0.0.1:8000",
    }
    argv = [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload"]
    worker = subprocess.Popen(
        [*argv, "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = time.monotonic()
        for line in worker.stdout:
            if "Starting worker" in line:
                break
            assert time.monotonic() - started < 60, "the worker did not start"
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_the_worker_command_renders_what_a_publication_queued(
    running_worker, published_root, seed_draft
):
    page = published_root / EN_PAGE
    rename_and_publish(seed_draft, "Department of Public Safety")
    # How soon is a figure of bench/benchmark.py (which runs the same command); here,
    # only that it happens, in the worker's own process.
    returned = time.monotonic()
    while DBTaskResult.objects.get().status != "SUCCESSFUL":
        assert time.monotonic() - returned < 30, "the worker did not run the task"
        time.sleep(0.05)
    assert "Department of Public Safety" in page.read_text()
    assert "Department of Public Safety" in (published_root / DIRECTORY_PAGE).read_text()
