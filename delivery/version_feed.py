"""The page versions, pushed by PostgreSQL to every process, so that a cached page needs no
query.

A hit of the page cache needs the current versions of its page's topics
(``delivery.page_cache``). Read from the database, they cost a query per page, a round
trip as long as the cache's own. On PostgreSQL they are pushed instead:

- :func:`announce` sends the new versions with ``NOTIFY`` in the transaction that writes
  them; PostgreSQL delivers them to every listening connection when, and only if, that
  transaction commits, in the order of the commits. The process that commits also applies
  them itself at once, so that its own next page is never older than its publication.
- Each process serving pages keeps one connection of its own that listens (opened at its
  first cached page). Once it listens, it reads every version, so nothing committed before
  is missed; then, before each page, it takes what has arrived (a look at the socket that
  does not wait) and, at most every ``HEARTBEAT_SECONDS``, asks the server whether it
  still answers.

So a page is as current as the query would make it, give or take the time a notification
takes to travel (a fraction of a millisecond on one network). Whatever fails (the
listening connection closed, the database restarted, a notification too big), the
process falls back to the query for ``RECONNECT_SECONDS``, then listens again and reads
every version afresh: a notification missed while nobody listened is in that reading.

Off (``PAGE_VERSION_FEED``, on by default in production) or on another database than
PostgreSQL, every page reads its versions. The tests keep it off except where they test
it: their transactions are never committed, so nothing would ever be delivered.
"""

import functools
import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections, router, transaction

from .models import PageVersion

logger = logging.getLogger(__name__)

CHANNEL = "delivery_page_versions"
HEARTBEAT_SECONDS = 1.0
RECONNECT_SECONDS = 5.0
LOG_INTERVAL_SECONDS = 60
# PostgreSQL refuses a payload of 8,000 bytes or more; a bigger change asks every
# listener to read all the versions again.
MAX_PAYLOAD_BYTES = 7900
READ_ALL_AGAIN = "*"
# The version of a topic that has no row yet.
NO_VERSION = ""


def database_alias():
    return router.db_for_write(PageVersion)


def is_postgresql(alias):
    return connections[alias].vendor == "postgresql"


def payload(token, topics):
    """The notification's text: the new token, then the topics that now have it."""
    text = "\n".join([token, *topics])
    return READ_ALL_AGAIN if len(text.encode()) > MAX_PAYLOAD_BYTES else text


def announce(token, topics):
    """Tell every listening process, when the current transaction commits, that the topics'
    version is now ``token``; and this process itself, at once after the commit."""
    alias = database_alias()
    if not is_postgresql(alias):
        return
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload(token, topics)])
    transaction.on_commit(lambda: feed.apply(token, topics), using=alias)


def topic_column(alias):
    return connections[alias].ops.quote_name(PageVersion._meta.get_field("topic").column)


@functools.cache
def all_versions_sql(alias):
    """``SELECT topic, token`` of every topic: plain SQL, which the page cache's read of some
    topics, once per page, extends."""
    quote_name = connections[alias].ops.quote_name
    meta = PageVersion._meta
    token = quote_name(meta.get_field("token").column)
    return f"SELECT {topic_column(alias)}, {token} FROM {quote_name(meta.db_table)}"


class VersionFeed:
    """This process's copy of every topic's version, while a connection of its own listens
    to their changes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.connection = None
        self.ended = False
        self.versions = {}
        # When the listening connection last answered (time.monotonic()): every version
        # committed before then has arrived.
        self.confirmed_at = 0.0
        self.retry_at = 0.0
        self.logged_at = 0.0
        self.pid = None
        # Connections inherited from a parent process across fork: never used nor closed
        # here (closing would end the parent's session), only kept from being collected.
        self.inherited = []

    def current(self, topics):
        """The topics' versions and the moment they were last known current, or None when
        this process does not listen (then the page reads them)."""
        if not settings.PAGE_VERSION_FEED:
            return None
        with self.lock:
            try:
                if not self.listening():
                    return None
                self.receive()
                if self.ended:
                    raise ConnectionError("the server ended the listening connection")
                if time.monotonic() - self.confirmed_at >= HEARTBEAT_SECONDS:
                    self.connection.execute("SELECT 1")
                    self.confirmed_at = time.monotonic()
                    self.receive()
            except Exception as error:  # noqa: BLE001 - any failure only costs the query
                self.stop(error)
                return None
            return [self.versions.get(topic, NO_VERSION) for topic in topics], self.confirmed_at

    def listening(self):
        if self.pid != os.getpid() and self.connection is not None:
            self.inherited.append(self.connection)
            self.connection = None
        if self.connection is not None:
            return True
        if time.monotonic() < self.retry_at:
            return False
        alias = database_alias()
        if not is_postgresql(alias):
            self.retry_at = float("inf")
            return False
        self.listen(alias)
        return True

    def listen(self, alias):
        import psycopg

        database = connections[alias]
        # The same server and credentials as the process's own connection.
        connection = psycopg.connect(**database.get_connection_params(), autocommit=True)
        try:
            connection.execute(f"LISTEN {CHANNEL}")
            # After LISTEN: what committed before is in this reading, what commits after
            # will arrive.
            versions = dict(connection.execute(all_versions_sql(alias)).fetchall())
        except Exception:
            connection.close()
            raise
        self.connection = connection
        self.ended = False
        # A server that ends the session (restart, pg_terminate_backend) says so before it
        # closes: while idle, that arrives as a notice, and the socket's end only after.
        connection.add_notice_handler(self.notice)
        self.pid = os.getpid()
        self.versions = versions
        self.confirmed_at = time.monotonic()

    def receive(self):
        # All taken before any is applied: the connection cannot run a query while its
        # notifications are being read.
        notifications = list(self.connection.notifies(timeout=0))
        payloads = [each.payload for each in notifications if each.channel == CHANNEL]
        if READ_ALL_AGAIN in payloads:
            # Read after every change these announce: it holds them all, and perhaps later
            # ones, which applying these after it would undo.
            self.versions = dict(
                self.connection.execute(all_versions_sql(database_alias())).fetchall()
            )
            return
        for text in payloads:
            token, *topics = text.split("\n")
            self.versions.update(dict.fromkeys(topics, token))

    def notice(self, diagnostic):
        if diagnostic.severity_nonlocalized in ("FATAL", "PANIC"):
            self.ended = True

    def apply(self, token, topics):
        """What this process committed, known here without waiting for its notification."""
        with self.lock:
            if self.connection is not None:
                self.versions.update(dict.fromkeys(topics, token))

    def stop(self, error):
        now = time.monotonic()
        if now - self.logged_at >= LOG_INTERVAL_SECONDS or not self.logged_at:
            self.logged_at = now
            logger.warning(
                "Page versions are not pushed to this process; each page reads them (%s: %s)",
                type(error).__name__,
                error,
            )
        self.close()
        self.retry_at = now + RECONNECT_SECONDS

    def close(self):
        if self.connection is not None and self.pid == os.getpid():
            # Closing a broken connection does not fail: psycopg only frees it.
            self.connection.close()
        self.connection = None
        self.versions = {}

    def reset(self):
        """Forget everything, as a new process would (for tests)."""
        with self.lock:
            self.close()
            self.retry_at = self.logged_at = self.confirmed_at = 0.0


feed = VersionFeed()
