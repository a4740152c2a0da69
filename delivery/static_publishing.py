"""Static publishing, as the legacy CMS did: public pages written as files for nginx.

nginx (``deploy/nginx.conf``) answers from the files in the ``site/`` folder of
``settings.STATIC_PUBLISHING_ROOT`` when they exist and passes everything else
to Django, so published pages keep being served while the database is down,
and a missing file is never wrong: Django then serves the page live. The
publisher's own files (the manifest and the lock) are kept beside ``site/``,
out of the folder nginx serves.

Which pages exist it learns from ``core.pages``: the site pages the apps
registered, by URL name, and the pages of each *source* kept one per key (a
department's structure page, by slug). What is rendered when:

- A change of some keys of a source (``delivery.tasks``, on the commit of a
  publication, withdrawal or deletion, in a worker): those keys' pages, and the
  site pages that list the source (directory, feed, sitemap, ...). Each site
  page is rendered and its file replaced only if its bytes changed; pages that
  list no source are left alone.
- ``manage.py publish_static`` (:meth:`StaticPublisher.publish_site`): the
  pages of each key whose files are missing or were rendered from another
  version (publication), or under another *site fingerprint* (the site's
  address, and the version of the ``site`` topic of ``delivery.page_cache``,
  which every change of the site settings or a government replaces); the pages
  of keys no longer public are removed; every site page is rendered and written
  if it changed. The *manifest* (``.manifest.json`` beside ``site/``) records
  which version and fingerprint each key's files were rendered from, so a run
  when little changed renders little.
- ``manage.py publish_static --all``: every page rendered and written, for a
  release: templates, translations, static files and code change pages in
  ways the manifest cannot see.
- A change every page shows (the site settings, a government): every page is
  brought up to date as ``publish_static`` would, in a worker; the out-of-date
  pages of keys are removed first (left to Django, which renders them afresh)
  and written again batch by batch.

Pages are rendered through the whole Django stack in-process, as an anonymous
visitor in the standard display mode, at ``settings.SITE_URL`` (absolute links
and the sitemap must name the public address, not the server's). Each file is
written to a temporary name in its folder and renamed over the old one, which
is atomic: a reader gets the old file or the new one, never half of one.

A lock file keeps two publishers (two workers, or the command and a worker)
from interleaving. A long run takes it for a batch of ``BATCH_SIZE`` keys at a
time, reading their state under it, so that the re-rendering after a
publication waits for one batch, not for the whole run.

A page whose content will change by itself at a scheduled publication's
``live_from`` is not written (and its old file is removed): Django serves it,
and switches on time. The task that the scheduled publication queued for that
moment (or ``publish_static``) writes it again once it is live.
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
from django.dispatch import receiver
from django.http.request import validate_host
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

from core import pages

from . import page_cache
from .models import PageVersion

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
MANIFEST_VERSION = 2

# Keys rendered per hold of the lock by a long run: 20 pages, about half a
# second, which is what the re-rendering after a publication may have to wait.
BATCH_SIZE = 10

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
    # The names of the sources every key of which the page shows.
    lists: tuple


def site_pages():
    """The site pages the apps registered (``core.pages``), in every language."""
    found = []
    for name, localized in pages.site_page_names():
        if not localized:
            found.append(site_page(reverse(name)))
            continue
        for code in language_codes():
            with translation.override(code):
                found.append(site_page(reverse(name)))
    return found


def site_page(path):
    # What the page cache is told the view shows (core.pages.cached_page): a page that
    # lists no source cannot change when a key of one is published.
    return SitePage(path, pages.listed_sources(resolve(path).func))


@functools.cache
def previous_layout_names():
    """The first part of every published page's path: its language, or its own name."""
    names = set(language_codes())
    for name, localized in pages.site_page_names():
        if not localized:
            names.add(reverse(name).strip("/").split("/")[0])
    return sorted(names)


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

    The public address (in links and the sitemap), and the version of the ``site``
    topic, which every change of what every page shows replaces (the site settings,
    the governments; ``manage.py clear_page_cache`` too).
    """
    version = PageVersion.objects.filter(topic=page_cache.SITE).values_list("token", flat=True)
    shown_everywhere = [site_url, next(iter(version), page_cache.NO_VERSION)]
    return hashlib.sha256(json.dumps(shown_everywhere).encode()).hexdigest()[:16]


@dataclass
class PublicState:
    """What the public sees now of a source: the live version of each key, and which keys
    have a publication scheduled for later."""

    live: dict
    scheduled: dict

    @classmethod
    def read(cls, source, keys=None):
        return cls(live=source.live(keys), scheduled=source.scheduled(keys))

    def may_be_files(self, key):
        """Whether the key's pages may be files: live, and nothing scheduled to replace
        them at a moment no file could switch at."""
        return key in self.live and key not in self.scheduled


def anything_scheduled():
    now = timezone.now()
    return any(source.next_scheduled(now) is not None for source in pages.sources())


class Manifest:
    """Which version, under which site fingerprint, each key's files show.

    ``{source: {key: [version, fingerprint]}}`` as JSON in the publishing folder,
    read and written under the lock. An entry is removed with the files; a
    missing or unreadable manifest only means that every key is rendered again.
    """

    def __init__(self, root):
        self.path = root / MANIFEST_FILE

    def read(self, source):
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("version") == MANIFEST_VERSION:
                entries = data["sources"].get(source.name, {})
                if isinstance(entries, dict):
                    return entries
        except (OSError, ValueError, AttributeError, KeyError):
            pass
        return {}

    def write(self, source, entries):
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("version") != MANIFEST_VERSION or not isinstance(data["sources"], dict):
                raise ValueError
        except (OSError, ValueError, AttributeError, KeyError):
            data = {"version": MANIFEST_VERSION, "sources": {}}
        data["sources"][source.name] = entries
        write_atomically(self.path, json.dumps(data, sort_keys=True).encode())


@dataclass
class PublishingReport:
    """What a run did, page by page (``keys_up_to_date``: keys not rendered)."""

    pages: Counter = field(default_factory=Counter)
    keys_up_to_date: int = 0

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

    def refresh(self, source, keys):
        """After a change of ``keys`` of ``source``: their pages, then the site pages that
        list the source, each written only if it changed."""
        report = PublishingReport()
        with self.locked():
            self.place_keys(source, sorted(set(keys)), report)
            self.place_site_pages(report, listing=source.name)
        return report

    def publish_site(self, rewrite=False, leave_stale_to_django=False):
        """Brings every page up to date; with ``rewrite``, renders and writes every page.

        Keys whose files are current (see :class:`Manifest`) are not rendered. With
        ``leave_stale_to_django``, the files of out-of-date keys are removed first,
        all at once, so that none is served while it waits for its batch.
        """
        report = PublishingReport()
        with self.locked():
            self.place_site_pages(report, rewrite=rewrite)
        for source in pages.sources():
            self.publish_source(source, report, rewrite, leave_stale_to_django)
        return report

    def publish_source(self, source, report, rewrite, leave_stale_to_django):
        with self.locked():
            entries = self.manifest.read(source)
            files_on_disk = self.key_files_on_disk(source)
        state = PublicState.read(source)
        fingerprint = site_fingerprint(self.site_url)
        complete = len(language_codes())
        candidates = set(entries) | set(files_on_disk) | set(state.scheduled)
        for key, version in state.live.items():
            current = entries.get(key) == [version, fingerprint]
            if rewrite or not current or files_on_disk.get(key) != complete:
                candidates.add(key)
            elif state.may_be_files(key):
                candidates.discard(key)
                report.keys_up_to_date += 1
        remaining = sorted(candidates)
        if leave_stale_to_django and remaining:
            # Removing files is quick: every stale page goes to Django at once.
            with self.locked():
                self.place_keys(source, remaining, PublishingReport(), render=False)
        while remaining:
            batch, remaining = remaining[:BATCH_SIZE], remaining[BATCH_SIZE:]
            with self.locked():
                self.place_keys(source, batch, report, rewrite=rewrite, skip_current=not rewrite)
            # Lets another publisher waiting for the lock take it before the next batch.
            time.sleep(0.005)

    def place_site_pages(self, report, rewrite=False, listing=None):
        """The site pages (only those that list the source named ``listing``, if given)."""
        scheduled = anything_scheduled()
        for page in site_pages():
            if listing is not None and listing not in page.lists:
                continue
            if page.lists and scheduled:
                report.pages[self.remove(page.path)] += 1
            else:
                report.pages[self.publish(page.path, rewrite=rewrite)] += 1

    def place_keys(self, source, keys, report, rewrite=False, skip_current=False, render=True):
        """The keys' pages as the public sees them now, recorded in the manifest.

        Called under the lock; the state is read here, under it, so that a
        publication that committed meanwhile is not overwritten with an older one.
        With ``skip_current``, pages rendered from the live version and the
        current fingerprint are left as they are; without ``render``, pages
        that are not are removed.
        """
        state = PublicState.read(source, keys)
        fingerprint = site_fingerprint(self.site_url)
        entries = self.manifest.read(source)
        before = dict(entries)
        paths_of = source.paths(keys)
        for key in keys:
            paths = paths_of[key]
            if not state.may_be_files(key):
                report.pages.update(self.remove(path) for path in paths)
                entries.pop(key, None)
                continue
            entry = [state.live[key], fingerprint]
            if skip_current and entries.get(key) == entry and self.key_files_exist(paths):
                report.keys_up_to_date += 1
                continue
            if render:
                outcomes = [self.publish(path, rewrite=rewrite) for path in paths]
            else:
                outcomes = [self.remove(path) for path in paths]
            report.pages.update(outcomes)
            # A page that could not be written (withdrawn meanwhile, say) is not current.
            if REMOVED in outcomes:
                entries.pop(key, None)
            else:
                entries[key] = entry
        if entries != before:
            self.manifest.write(source, entries)

    def leave_to_django(self, source=None, keys=None):
        """Removes the files a failed re-rendering may have left out of date.

        The pages of ``keys`` of ``source`` and the site pages that list it;
        without a source, every page. Reads nothing from the database, which may
        be what failed.
        """
        everything = source is None
        with self.locked():
            for page in site_pages():
                if everything or source.name in page.lists:
                    self.remove(page.path)
            for each in pages.sources() if everything else [source]:
                entries = self.manifest.read(each)
                if everything:
                    keys = sorted(set(entries) | set(self.key_files_on_disk(each)))
                for paths in each.paths(keys).values():
                    for path in paths:
                        self.remove(path)
                for key in keys:
                    entries.pop(key, None)
                self.manifest.write(each, entries)

    def key_files_exist(self, paths):
        return all(file_for(self.pages_root, path, "text/html").exists() for path in paths)

    def key_files_on_disk(self, source):
        """How many language versions of each key's page of ``source`` are files."""
        counts = Counter()
        for folder_path in source.folders():
            folder = self.pages_root / folder_path.lstrip("/")
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
