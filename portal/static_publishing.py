"""Static publishing, as the legacy CMS did: public pages written as files for nginx.

nginx (``deploy/nginx.conf``) answers from the files in the ``site/`` folder of
``settings.STATIC_PUBLISHING_ROOT`` when they exist and passes everything else
to Django, so published pages keep being served while the database is down,
and a missing file is never wrong: Django then serves the page live. The
publisher's own files (the manifest and the lock) are kept beside ``site/``,
out of the folder nginx serves.

What is rendered when:

- Publishing, withdrawing or deleting a department (:func:`refresh_on_commit`,
  once the transaction has committed, in the editor's request): the
  department's own pages, and the site pages that list departments (directory,
  feed, sitemap, ...). Each site page is rendered and its file replaced only if
  its bytes changed; pages that name no department are left alone.
- ``manage.py publish_static`` (:meth:`StaticPublisher.publish_site`): the
  pages of each department whose files are missing or were rendered from
  another publication, or under another *site fingerprint* (the site's
  address, its settings and the governments, which every page shows); the
  pages of departments no longer published are removed; every site page is
  rendered and written if it changed. The *manifest* (``.manifest.json`` beside
  ``site/``) records which publication and fingerprint each department's
  files were rendered from, so a run when little changed renders little.
- ``manage.py publish_static --all``: every page rendered and written, for a
  release: templates, translations, static files and code change pages in
  ways the manifest cannot see.
- A change of the site settings or a government changes the fingerprint:
  every page is brought up to date as ``publish_static`` would, for at most
  ``SITE_CHANGE_RENDER_SECONDS`` in the editor's request; the pages of
  departments not re-rendered by then are removed (left to Django) until the
  next ``publish_static``.

Pages are rendered through the whole Django stack in-process, as an anonymous
visitor in the standard display mode, at ``settings.SITE_URL`` (absolute links
and the sitemap must name the public address, not the server's). Each file is
written to a temporary name in its folder and renamed over the old one, which
is atomic: a reader gets the old file or the new one, never half of one.

A lock file keeps two publishers (two application servers, or the command and
the admin) from interleaving. A long run takes it for a batch of
``BATCH_SIZE`` departments at a time, reading their state under it, so that a
publication in the admin waits for one batch, not for the whole run.

A page whose content will change by itself at a scheduled publication's
``live_from`` is not written (and its old file is removed): Django serves it,
and switches on time. ``publish_static`` writes it again once it is live.
"""

import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http.request import validate_host
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

from . import page_cache

logger = logging.getLogger(__name__)

# File name of a page whose address ends in "/", by content type; nginx's
# try_files tries these names in the same order.
INDEX_FILES = {
    "text/html": "index.html",
    "application/atom+xml": "index.atom",
}
# In STATIC_PUBLISHING_ROOT: the folder nginx serves, and beside it the publisher's files.
PAGES_FOLDER = "site"
LOCK_FILE = ".publishing.lock"
MANIFEST_FILE = ".manifest.json"
MANIFEST_VERSION = 1

# Departments rendered per hold of the lock by a long run: 20 pages, about
# half a second, which is what a publication in the admin may have to wait.
BATCH_SIZE = 10
# How long a change of the site settings or a government may re-render
# department pages in the editor's request (gunicorn stops a request after 30 s).
SITE_CHANGE_RENDER_SECONDS = 5

# The pages that are not one department's, by URL name.
LOCALIZED_SITE_PAGES = [
    "home",
    "government",
    "departments:department_list",
    "departments:feed",
    "search",
    "display_settings",
    "api_docs",
]
LANGUAGE_NEUTRAL_SITE_PAGES = ["sitemap", "robots_txt"]

WRITTEN = "written"
UNCHANGED = "unchanged"
REMOVED = "removed"


class StaticPublishingError(Exception):
    pass


@functools.cache
def request_handler():
    """Django's request handler with the project's middleware, built once per process.

    Building it costs about 0.2 s in production (whitenoise indexes the static
    files), more than re-rendering the pages a publication changes.
    """
    handler = BaseHandler()
    handler.load_middleware()
    return handler


@receiver(setting_changed)
def forget_request_handler(**kwargs):
    # Middleware reads some settings when it is built (tests change them).
    request_handler.cache_clear()


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class SitePage:
    path: str
    lists_departments: bool


def site_pages():
    """The pages that list departments or belong to the site, in every language."""
    pages = []
    for code in language_codes():
        with translation.override(code):
            pages += [site_page(reverse(name)) for name in LOCALIZED_SITE_PAGES]
    return pages + [site_page(reverse(name)) for name in LANGUAGE_NEUTRAL_SITE_PAGES]


def site_page(path):
    # What the page cache is told the view shows (portal.page_cache.cached_page):
    # a page that names no department cannot change when one is published.
    lists_departments = page_cache.DEPARTMENTS in page_cache.topics_of(resolve(path))
    return SitePage(path, lists_departments)


@functools.cache
def previous_layout_names():
    """The first part of every published page's path: its language, or its own name."""
    names = set(language_codes())
    for name in LANGUAGE_NEUTRAL_SITE_PAGES:
        names.add(reverse(name).strip("/").split("/")[0])
    return sorted(names)


def department_paths(slugs):
    """``{slug: [path of its page in each language]}``."""
    from departments.addresses import department_urls

    paths = {slug: [] for slug in slugs}
    for code in language_codes():
        with translation.override(code):
            for slug, path in zip(slugs, department_urls(slugs), strict=True):
                paths[slug].append(path)
    return paths


def file_for(root, path, content_type):
    """Where the page at ``path`` is written, or None for a type nginx is not given."""
    name = file_name_for(root, path, content_type)
    return None if name is None else Path(name)


def file_name_for(root, path, content_type):
    relative = path.lstrip("/")
    if path.endswith("/"):
        name = INDEX_FILES.get(content_type.split(";")[0].strip())
        if name is None:
            return None
        relative += name
    # Lexically, as django.utils._os.safe_join does: resolve() would cost a
    # system call per folder, for each of the thousands of files a site change
    # removes.
    folder = os.path.abspath(root)
    target = os.path.abspath(os.path.join(folder, relative))
    if not target.startswith(folder + os.sep):
        raise StaticPublishingError(f"{path!r} would be written outside {root}.")
    return target


def all_file_names_for(root, path):
    if path.endswith("/"):
        return [file_name_for(root, path, content_type) for content_type in INDEX_FILES]
    return [file_name_for(root, path, "")]


def write_atomically(target, content):
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def has_content(target, content):
    try:
        return target.stat().st_size == len(content) and target.read_bytes() == content
    except FileNotFoundError:
        return False


def site_fingerprint(site_url):
    """A digest of what every page shows besides its own content.

    The public address (in links and the sitemap), the site settings (footer, the
    government the site is named after) and the governments (their names are on every
    page).
    """
    from departments.models import Government

    from .models import SiteSettings

    shown_everywhere = [
        site_url,
        list(SiteSettings.objects.order_by("pk").values_list()),
        list(Government.objects.order_by("pk").values_list()),
    ]
    digest = hashlib.sha256(json.dumps(shown_everywhere, default=str).encode())
    return digest.hexdigest()[:16]


@dataclass
class PublicState:
    """What the public sees now: the live publication of each department, and which
    departments have a publication scheduled for later."""

    live: dict
    scheduled: set

    @classmethod
    def read(cls, slugs=None):
        from departments.models import Department

        now = timezone.now()
        published = Department.objects.published(at=now)
        scheduled = Department.objects.scheduled(at=now)
        if slugs is not None:
            published = published.filter(slug__in=slugs)
            scheduled = scheduled.filter(slug__in=slugs)
        return cls(
            live=dict(published.values_list("slug", "pk")),
            scheduled=set(scheduled.values_list("slug", flat=True)),
        )

    def may_be_files(self, slug):
        """Whether the department's pages may be files: live, and nothing scheduled to
        replace them at a moment no file could switch at."""
        return slug in self.live and slug not in self.scheduled


def anything_scheduled():
    from departments.models import Department

    return Department.objects.scheduled().exists()


class Manifest:
    """Which publication, under which site fingerprint, each department's files show.

    ``{slug: [publication pk, fingerprint]}`` as JSON in the publishing folder,
    read and written under the lock. An entry is removed with the files; a
    missing or unreadable manifest only means that every department is
    rendered again.
    """

    def __init__(self, root):
        self.path = root / MANIFEST_FILE

    def read(self):
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("version") == MANIFEST_VERSION and isinstance(data["departments"], dict):
                return data["departments"]
        except (OSError, ValueError, AttributeError, KeyError):
            pass
        return {}

    def write(self, entries):
        data = {"version": MANIFEST_VERSION, "departments": entries}
        write_atomically(self.path, json.dumps(data, sort_keys=True).encode())


@dataclass
class PublishingReport:
    """What a run did, page by page (``departments_up_to_date``: departments not rendered)."""

    pages: Counter = field(default_factory=Counter)
    departments_up_to_date: int = 0

    @property
    def written(self):
        return self.pages[WRITTEN]

    @property
    def unchanged(self):
        return self.pages[UNCHANGED]

    @property
    def removed(self):
        return self.pages[REMOVED]


class StaticPublisher:
    """Renders public pages in-process and writes them under ``root``."""

    def __init__(self, root=None, site_url=None):
        root = root or settings.STATIC_PUBLISHING_ROOT
        if not root:
            raise StaticPublishingError(
                "No folder for static pages: set STATIC_PUBLISHING_ROOT or give --output."
            )
        self.root = Path(root)
        self.pages_root = self.root / PAGES_FOLDER
        self.manifest = Manifest(self.root)
        self.site_url = site_url or settings.SITE_URL
        site = urlsplit(self.site_url)
        if site.scheme not in ("http", "https") or not site.hostname:
            raise StaticPublishingError(
                f"SITE_URL must be the site's address, like https://portal.example.gov.cn, "
                f"not {self.site_url!r}."
            )
        allowed_hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed_hosts:
            allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]
        if not validate_host(site.hostname, allowed_hosts):
            raise StaticPublishingError(
                f"The site's host {site.hostname!r} (SITE_URL) is not in ALLOWED_HOSTS: "
                "Django would refuse to render its pages."
            )
        self.factory = RequestFactory()
        self.secure = site.scheme == "https"
        self.request_headers = {
            "HTTP_HOST": site.netloc,
            "SERVER_NAME": site.hostname,
            "SERVER_PORT": str(site.port or (443 if self.secure else 80)),
            "HTTP_X_FORWARDED_PROTO": site.scheme,
        }
        self.handler = request_handler()

    @contextmanager
    def locked(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self.remove_previous_layout()
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def remove_previous_layout(self):
        """Removes the pages a release before ``site/`` wrote beside the manifest.

        nginx configured for that layout then passes those pages to Django, never
        serving one that publishing no longer keeps current. A few checks per lock.
        """
        for name in previous_layout_names():
            path = self.root / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
                logger.info("Removed %s, published by a previous release (now in site/).", path)
            elif path.is_file():
                path.unlink()

    def render(self, path):
        # The nested request activates its own language; the caller's must survive it.
        with translation.override(translation.get_language()):
            request = self.factory.get(path, secure=self.secure, **self.request_headers)
            response = self.handler.get_response(request)
        return response

    def publish(self, path, rewrite=True):
        """Writes the page at ``path`` (if its bytes changed, unless ``rewrite``).

        Returns WRITTEN, UNCHANGED, or REMOVED for a page that may not be a file.
        """
        response = self.render(path)
        target = None
        if response.status_code == 200 and not response.streaming:
            target = file_for(self.pages_root, path, response.get("Content-Type", ""))
        if target is None:
            self.remove(path)
            return REMOVED
        if not rewrite and has_content(target, response.content):
            return UNCHANGED
        write_atomically(target, response.content)
        return WRITTEN

    def remove(self, path):
        for name in all_file_names_for(self.pages_root, path):
            with suppress(FileNotFoundError):
                os.unlink(name)
        return REMOVED

    def refresh(self, slugs):
        """After a publication: the pages of the departments ``slugs`` and the site pages
        that list departments, each written only if it changed."""
        report = PublishingReport()
        with self.locked():
            self.place_site_pages(report, lists_departments_only=True)
            self.place_departments(sorted(set(slugs)), report)
        return report

    def publish_site(self, rewrite=False, render_until=None):
        """Brings every page up to date; with ``rewrite``, renders and writes every page.

        Departments whose files are current (see :class:`Manifest`) are not
        rendered. Past the ``render_until`` moment (``time.monotonic()``),
        out-of-date department pages are removed rather than rendered.
        """
        report = PublishingReport()
        with self.locked():
            self.place_site_pages(report, rewrite=rewrite)
            entries = self.manifest.read()
            files_on_disk = self.department_files_on_disk()
        state = PublicState.read()
        fingerprint = site_fingerprint(self.site_url)
        complete = len(language_codes())
        candidates = set(entries) | set(files_on_disk) | state.scheduled
        for slug, publication in state.live.items():
            current = entries.get(slug) == [publication, fingerprint]
            if rewrite or not current or files_on_disk.get(slug) != complete:
                candidates.add(slug)
            elif state.may_be_files(slug):
                candidates.discard(slug)
                report.departments_up_to_date += 1
        remaining = sorted(candidates)
        while remaining:
            render = render_until is None or time.monotonic() < render_until
            # Removing files is quick: what is left once time is up goes in one batch.
            batch_size = BATCH_SIZE if render else len(remaining)
            batch, remaining = remaining[:batch_size], remaining[batch_size:]
            with self.locked():
                self.place_departments(
                    batch, report, rewrite=rewrite, skip_current=not rewrite, render=render
                )
            # Lets another publisher waiting for the lock take it before the next batch.
            time.sleep(0.005)
        return report

    def place_site_pages(self, report, rewrite=False, lists_departments_only=False):
        scheduled = anything_scheduled()
        for page in site_pages():
            if lists_departments_only and not page.lists_departments:
                continue
            if page.lists_departments and scheduled:
                report.pages[self.remove(page.path)] += 1
            else:
                report.pages[self.publish(page.path, rewrite=rewrite)] += 1

    def place_departments(self, slugs, report, rewrite=False, skip_current=False, render=True):
        """The departments' pages as the public sees them now, recorded in the manifest.

        Called under the lock; the state is read here, under it, so that a
        publication that committed meanwhile is not overwritten with an older one.
        With ``skip_current``, pages rendered from the live publication and the
        current fingerprint are left as they are; without ``render``, pages
        that are not are removed.
        """
        state = PublicState.read(slugs)
        fingerprint = site_fingerprint(self.site_url)
        entries = self.manifest.read()
        before = dict(entries)
        paths_of = department_paths(slugs)
        for slug in slugs:
            paths = paths_of[slug]
            if not state.may_be_files(slug):
                report.pages.update(self.remove(path) for path in paths)
                entries.pop(slug, None)
                continue
            entry = [state.live[slug], fingerprint]
            if skip_current and entries.get(slug) == entry and self.department_files_exist(paths):
                report.departments_up_to_date += 1
                continue
            if render:
                outcomes = [self.publish(path, rewrite=rewrite) for path in paths]
            else:
                outcomes = [self.remove(path) for path in paths]
            report.pages.update(outcomes)
            # A page that could not be written (withdrawn meanwhile, say) is not current.
            if REMOVED in outcomes:
                entries.pop(slug, None)
            else:
                entries[slug] = entry
        if entries != before:
            self.manifest.write(entries)

    def leave_to_django(self, slugs=None):
        """Removes the files a failed re-rendering may have left out of date.

        The pages of the departments ``slugs`` and the site pages that list
        departments; without ``slugs``, every page. Reads nothing from the
        database, which may be what failed.
        """
        everything = slugs is None
        with self.locked():
            entries = self.manifest.read()
            if everything:
                slugs = sorted(set(entries) | set(self.department_files_on_disk()))
            for page in site_pages():
                if page.lists_departments or everything:
                    self.remove(page.path)
            for slug, paths in department_paths(slugs).items():
                for path in paths:
                    self.remove(path)
                entries.pop(slug, None)
            self.manifest.write(entries)

    def department_files_exist(self, paths):
        return all(file_for(self.pages_root, path, "text/html").exists() for path in paths)

    def department_files_on_disk(self):
        """How many language versions of each department's page are files."""
        counts = Counter()
        for code in language_codes():
            with translation.override(code):
                folder = self.pages_root / reverse("departments:department_list").lstrip("/")
            try:
                children = os.scandir(folder)
            except FileNotFoundError:
                continue
            with children:
                for child in children:
                    index = os.path.join(child.path, INDEX_FILES["text/html"])
                    if child.is_dir() and os.path.exists(index):
                        counts[child.name] += 1
        return counts


def refresh_on_commit(slugs=(), everything=False):
    """Re-render the affected static pages once the publishing transaction has committed.

    ``everything`` for a change every page shows (site settings, a government).
    Does nothing unless ``STATIC_PUBLISHING_ROOT`` is set. A failure is logged,
    never raised: the publication itself has succeeded, nginx falls back to
    Django for any page that was removed, and ``publish_static`` renders again
    whatever the manifest does not record as current.
    """
    if not settings.STATIC_PUBLISHING_ROOT:
        return
    slugs = list(slugs)

    def refresh():
        publisher = None
        try:
            publisher = StaticPublisher()
            if everything:
                publisher.publish_site(render_until=time.monotonic() + SITE_CHANGE_RENDER_SECONDS)
            else:
                publisher.refresh(slugs)
        except Exception:
            logger.exception("Could not re-render the static pages of %s", slugs or "the site")
            if publisher is not None:
                try:
                    publisher.leave_to_django(None if everything else slugs)
                except Exception:
                    logger.exception("Could not remove the static pages left out of date")

    transaction.on_commit(refresh)
