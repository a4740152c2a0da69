"""Static publishing, as the legacy CMS did: public pages written as files for nginx.

``manage.py publish_static`` renders every public page in both languages into
``settings.STATIC_PUBLISHING_ROOT``; publishing or withdrawing a department
then re-renders just the pages it changes (:func:`refresh_on_commit`). nginx
(``deploy/nginx.conf``) answers from these files when they exist and passes
everything else to Django, so published pages keep being served while the
database is down.

Pages are rendered through the whole Django stack in-process, as an anonymous
visitor in the standard display mode, at ``settings.SITE_URL`` (absolute links
and the sitemap must name the public address, not the server's). Each file is
written to a temporary name in its folder and renamed over the old one, which
is atomic: a reader gets the old file or the new one, never half of one. A
lock file keeps two publishers (two application servers, or the command and
the admin) from interleaving.

A page whose content will change by itself at a scheduled publication's
``live_from`` is not written (and its old file is removed): Django serves it,
and switches on time. ``publish_static`` writes it again once it is live.
"""

import fcntl
import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.db import transaction
from django.http.request import validate_host
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# File name of a page whose address ends in "/", by content type; nginx's
# try_files tries these names in the same order.
INDEX_FILES = {
    "text/html": "index.html",
    "application/atom+xml": "index.atom",
}
LOCK_FILE = ".publishing.lock"


class StaticPublishingError(Exception):
    pass


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def collection_paths():
    """The pages that list departments or belong to the site, in every language."""
    paths = []
    for code in language_codes():
        with translation.override(code):
            paths += [
                reverse("home"),
                reverse("government"),
                reverse("departments:department_list"),
                reverse("departments:feed"),
                reverse("search"),
                reverse("display_settings"),
                reverse("api_docs"),
            ]
    return paths + [reverse("sitemap"), reverse("robots_txt")]


def department_paths(slug):
    paths = []
    for code in language_codes():
        with translation.override(code):
            paths.append(reverse("departments:department_detail", kwargs={"slug": slug}))
    return paths


def file_for(root, path, content_type):
    """Where the page at ``path`` is written, or None for a type nginx is not given."""
    relative = path.lstrip("/")
    if path.endswith("/"):
        name = INDEX_FILES.get(content_type.split(";")[0].strip())
        if name is None:
            return None
        relative += name
    target = (root / relative).resolve()
    if root.resolve() not in target.parents:
        raise StaticPublishingError(f"{path!r} would be written outside {root}.")
    return target


def all_files_for(root, path):
    if path.endswith("/"):
        return [file_for(root, path, content_type) for content_type in INDEX_FILES]
    return [file_for(root, path, "")]


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


class StaticPublisher:
    """Renders public pages in-process and writes them under ``root``."""

    def __init__(self, root=None, site_url=None):
        root = root or settings.STATIC_PUBLISHING_ROOT
        if not root:
            raise StaticPublishingError(
                "No folder for static pages: set STATIC_PUBLISHING_ROOT or give --output."
            )
        self.root = Path(root)
        site = urlsplit(site_url or settings.SITE_URL)
        if site.scheme not in ("http", "https") or not site.hostname:
            raise StaticPublishingError(
                f"SITE_URL must be the site's address, like https://portal.example.gov.cn, "
                f"not {site_url or settings.SITE_URL!r}."
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
        self.handler = BaseHandler()
        self.handler.load_middleware()

    @contextmanager
    def locked(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def render(self, path):
        # The nested request activates its own language; the caller's must survive it.
        with translation.override(translation.get_language()):
            request = self.factory.get(path, secure=self.secure, **self.request_headers)
            response = self.handler.get_response(request)
        return response

    def publish(self, path):
        """Writes the page at ``path``; returns True if written, False if it was removed."""
        response = self.render(path)
        target = None
        if response.status_code == 200 and not response.streaming:
            target = file_for(self.root, path, response.get("Content-Type", ""))
        if target is None:
            self.remove(path)
            return False
        write_atomically(target, response.content)
        return True

    def remove(self, path):
        for target in all_files_for(self.root, path):
            target.unlink(missing_ok=True)

    def refresh(self, slugs=(), everything=False):
        """Re-renders the pages of the departments ``slugs`` and the collection pages.

        Returns (written, removed) counts.
        """
        from departments.models import Department

        now = timezone.now()
        scheduled = set(
            Department.objects.filter(draft__isnull=False, live_from__gt=now).values_list(
                "slug", flat=True
            )
        )
        published = set(Department.objects.published(at=now).values_list("slug", flat=True))
        if everything:
            slugs = published | self.published_slugs_on_disk()
        with self.locked():
            placed = [
                self.place(path, static=slug in published and slug not in scheduled)
                for slug in sorted(set(slugs))
                for path in department_paths(slug)
            ]
            placed += [self.place(path, static=not scheduled) for path in collection_paths()]
        written = sum(placed)
        return written, len(placed) - written

    def place(self, path, static):
        """Writes the page if it may be a file now, else leaves it to Django; True if written."""
        if static:
            return self.publish(path)
        self.remove(path)
        return False

    def published_slugs_on_disk(self):
        """Slugs of the department pages already written (so that stale ones get removed)."""
        slugs = set()
        for code in language_codes():
            with translation.override(code):
                folder = reverse("departments:department_list").lstrip("/")
            base = self.root / folder
            if base.is_dir():
                slugs.update(
                    child.name
                    for child in base.iterdir()
                    if child.is_dir() and (child / "index.html").exists()
                )
        return slugs


def refresh_on_commit(slugs=(), everything=False):
    """Re-render the affected static pages once the publishing transaction has committed.

    Does nothing unless ``STATIC_PUBLISHING_ROOT`` is set. A failure is logged,
    never raised: the publication itself has succeeded, and nginx falls back to
    Django for any page that was removed.
    """
    if not settings.STATIC_PUBLISHING_ROOT:
        return
    slugs = list(slugs)

    def refresh():
        try:
            StaticPublisher().refresh(slugs, everything=everything)
        except Exception:
            logger.exception("Could not re-render the static pages of %s", slugs or "the site")

    transaction.on_commit(refresh)
