"""The live publication at an address, read for its page with one plain SQL query.

This is the structure page's and the API detail's whole database work: the publication's
document, its government's name and the site's settings (every page shows them). Built
with the ORM (``Department.objects.published()``, ``values()``, a subquery for the
settings), the query cost more to build and compile than to run, most of a page's time
(figures in ``bench/README.md``). So its SQL is written here once per database
connection's vendor, with table and column names from the models' ``_meta``, and run
through a cursor that PostgreSQL prepares (``lookup_cursor``). ``tests/test_lookup.py``
checks that it finds what the ORM's query finds, in every case publishing can produce.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db import connections, router
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from core.models import SiteSettings

from . import documents
from .models import Department


@dataclass(frozen=True)
class Published:
    """A live publication as its pages read it: its document, the name of its government
    (which is not part of it), the moment it went live, and the site's settings."""

    document: documents.PublicationDocument
    government_names: documents.Text
    live_from: datetime.datetime
    # None before any settings are saved.
    site_settings: SiteSettings | None = None


def field(model, name):
    return model._meta.get_field(name)


def government_model():
    return field(Department, "government").related_model


def name_columns(model):
    """The columns of the model's translated ``name``, one per language."""
    return [
        field(model, build_localized_fieldname("name", code)).column
        for code in documents.LANGUAGE_CODES
    ]


@functools.cache
def lookup_sql(using):
    """The lookup's SQL for the database ``using``; parameters: the settings' primary key,
    the slug, the moment twice."""
    quote_name = connections[using].ops.quote_name
    department = quote_name(Department._meta.db_table)
    government = government_model()
    settings_table = quote_name(SiteSettings._meta.db_table)
    government_table = quote_name(government._meta.db_table)

    def column(model, name):
        return quote_name(field(model, name).column)

    d = {name: column(Department, name) for name in ("id", "document", "live_from", "slug")}
    d["draft"] = column(Department, "draft")
    d["government"] = column(Department, "government")
    government_pk = quote_name(government._meta.pk.column)
    names = [f"g.{quote_name(name)}" for name in name_columns(government)]
    site = [f"s.{quote_name(f.column)}" for f in SiteSettings._meta.concrete_fields]
    site_government = [f"sg.{quote_name(f.column)}" for f in government._meta.concrete_fields]
    return f"""
        SELECT p.{d["id"]}, p.{d["document"]}, p.{d["live_from"]}, {", ".join(names)},
               {", ".join(site)}, {", ".join(site_government)}
        FROM {department} p
        INNER JOIN {government_table} g ON g.{government_pk} = p.{d["government"]}
        LEFT JOIN {settings_table} s ON s.{quote_name(SiteSettings._meta.pk.column)} = %s
        LEFT JOIN {government_table} sg
            ON sg.{government_pk} = s.{column(SiteSettings, "government")}
        WHERE p.{d["slug"]} = %s AND p.{d["draft"]} IS NOT NULL AND p.{d["live_from"]} <= %s
          AND NOT EXISTS (
              SELECT 1 FROM {department} n
              WHERE n.{d["draft"]} = p.{d["draft"]}
                AND n.{d["live_from"]} <= %s AND n.{d["live_from"]} > p.{d["live_from"]}
          )
        ORDER BY p.{d["live_from"]} DESC
        LIMIT 1
    """


def aware(moment):
    """A moment as the database gave it, as an aware datetime (SQLite gives naive UTC)."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, datetime.timezone.utc)
    return moment


def site_settings(values):
    """The settings of the lookup's columns, or None when the settings row is missing."""
    site_fields = SiteSettings._meta.concrete_fields
    site_values, government_values = values[: len(site_fields)], values[len(site_fields) :]
    if site_values[0] is None:
        return None
    settings = SiteSettings(**{f.attname: v for f, v in zip(site_fields, site_values, strict=True)})
    if settings.government_id is not None:
        government = government_model()
        settings.government = government(
            **{
                f.attname: v
                for f, v in zip(government._meta.concrete_fields, government_values, strict=True)
            }
        )
    return settings


def lookup_cursor(connection):
    """A cursor of Django's for the lookup (queries logged, execute wrappers and errors as
    for any other); on PostgreSQL over a psycopg cursor that binds its parameters on the
    server, which psycopg prepares once the lookup has run ``prepare_threshold`` times on
    the connection (settings.py). PostgreSQL then stops planning it on every page:
    planning it costs several times running it (bench/README.md).

    Django's own cursors bind on the client, which psycopg never prepares. The rest of the
    ORM keeps them: server-side binding caps a query at 65,535 parameters, which a bulk
    insert can pass.
    """
    # What every query does first: the health check, the connection, the thread check.
    cursor = connection.cursor()
    if connection.vendor != "postgresql":
        return cursor
    cursor.close()
    from django.db.backends.postgresql.base import ServerBindingCursor

    server_binding = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(server_binding)
    return connection.make_cursor(server_binding)


def published(slug, at=None):
    """The live publication at ``slug`` now (or at ``at``), or None: one query.

    Two drafts' live publications can share a slug for a moment (one draft renamed after
    publishing, another taking its slug): the newest is shown.
    """
    using = router.db_for_read(Department)
    connection = connections[using]
    sql = lookup_sql(using)
    moment = field(Department, "live_from").get_db_prep_value(
        at or timezone.now(), connection, prepared=False
    )
    with lookup_cursor(connection) as cursor:
        cursor.execute(sql, [SiteSettings.SINGLETON_PK, slug, moment, moment])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, document, live_from = row[:3]
    languages = documents.LANGUAGE_CODES
    names = row[3 : 3 + len(languages)]
    return Published(
        document=documents.stored_or_rebuilt(pk, document, using=using),
        government_names={code: name for code, name in zip(languages, names, strict=True) if name},
        live_from=aware(live_from),
        site_settings=site_settings(row[3 + len(languages) :]),
    )
