"""Re-rendering the published files, off the publisher's request, as django-tasks tasks.

The domain announces a change (``core.pages.public_pages_changed``) inside the
transaction that makes it; :func:`pages_changed` then enqueues the re-rendering
*once that transaction has committed* (``transaction.on_commit``), never inside it:

- a rolled-back change queues nothing;
- the task must read the committed publication, and the ``ImmediateBackend`` of
  development and the tests runs it as soon as it is enqueued (in the request, on
  commit: ``make run`` needs no worker);
- with the database backend of production (``django_tasks_db``), the request only
  writes the task's row; a worker (``manage.py db_worker``, see the README) renders.

Should the process stop between the commit and the enqueue, the files of that change
stay as they were until the next ``manage.py publish_static`` (run from a timer),
which renders whatever its manifest does not record as current. The page cache is
not concerned: its versions are rows of the change's transaction
(``delivery.page_cache``).

A publication scheduled for later also queues a re-rendering for the moment it goes
live, where the backend can defer a task (the database backend can); meanwhile
its pages are left to Django, which switches them on time.

Does nothing unless ``STATIC_PUBLISHING_ROOT`` is set. A failure is logged, never
raised: the publication itself has succeeded, the affected files are removed (nginx
falls back to Django for them), and ``publish_static`` renders them again.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core import pages

from .static_publishing import StaticPublisher

logger = logging.getLogger(__name__)


@task()
def refresh_pages(source_name, keys):
    """The pages of ``keys`` of the source, and the site pages that list it."""
    source = pages.get_source(source_name)
    publisher = None
    try:
        publisher = StaticPublisher()
        publisher.refresh(source, keys)
    except Exception:
        logger.exception("Could not re-render the static pages of %s %s", source_name, keys)
        leave_to_django(publisher, source, keys)


@task()
def refresh_site():
    """Every page, after a change every page shows: stale files are removed at once."""
    publisher = None
    try:
        publisher = StaticPublisher()
        publisher.publish_site(leave_stale_to_django=True)
    except Exception:
        logger.exception("Could not re-render the static pages of the site")
        leave_to_django(publisher)


def leave_to_django(publisher, source=None, keys=None):
    if publisher is None:
        return
    try:
        publisher.leave_to_django(source, keys)
    except Exception:
        logger.exception("Could not remove the static pages left out of date")


def pages_changed(sender, source, keys, **kwargs):
    """Receiver of ``core.pages.public_pages_changed``: re-render once it has committed."""
    if not settings.STATIC_PUBLISHING_ROOT:
        return
    if source is None:
        transaction.on_commit(refresh_site.enqueue)
        return
    keys = list(keys)

    def enqueue():
        refresh_pages.enqueue(source, keys)
        enqueue_for_scheduled_moments(source, keys)

    transaction.on_commit(enqueue)


def enqueue_for_scheduled_moments(source_name, keys):
    """A re-rendering at each moment a scheduled publication of ``keys`` goes live."""
    if not refresh_pages.get_backend().supports_defer:
        return
    now = timezone.now()
    by_moment = {}
    for key, moment in pages.get_source(source_name).scheduled(keys).items():
        if moment > now:
            by_moment.setdefault(moment, []).append(key)
    for moment, moment_keys in sorted(by_moment.items()):
        refresh_pages.using(run_after=moment).enqueue(source_name, sorted(moment_keys))
