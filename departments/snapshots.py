"""Each publication's rows, stored with it, so that its structure page reads them at once.

A structure page shows a publication and its children: read through the ORM
(``Department.objects.published().with_structure()``) that is seven queries
and some sixty model instances built by the ORM, which cost more than the rest
of the request together. A publication never changes once written, so
``services.publish`` also stores its rows and its children's rows, column by
column, in the publication's ``page_snapshot``. The public page then finds the
publication, its snapshot and its government with one query compiled once per
process, and rebuilds the very model instances the ORM would have built.

A snapshot holds rows, not a rendering: the templates, translations and code
that turn rows into the page run on every request, as before, and the staff
preview (drafts have no snapshot) goes through the same code from the ORM.

A snapshot is valid for the columns the models had when it was written
(``schema()``). After a migration adds or removes one, pages whose snapshot is
older are read through the ORM (correct, only slower) until ``migrate`` has
rewritten them: a ``post_migrate`` receiver does that on every ``migrate``.
"""

import datetime
import functools
import hashlib
import logging

from django.db import connections, models, router
from django.db.models.base import ModelState
from django.utils import timezone

from .models import (
    STRUCTURE_RELATIONS,
    Department,
    DepartmentQuerySet,
    Government,
    attach_children,
)

logger = logging.getLogger(__name__)

# The models a snapshot holds rows of besides the department's, by relation name.
CHILD_MODELS = {
    name: Department._meta.get_field(name).related_model for name in STRUCTURE_RELATIONS
}

# Bump when what a snapshot holds changes in a way schema() does not show.
FORMAT = 1

# Filled in for the slug and the moment in the compiled lookup.
SLUG_PLACEHOLDER = "\ue000slug\ue000"
MOMENT_PLACEHOLDER = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)

# Snapshots written per UPDATE batch when many are refreshed at once.
REFRESH_BATCH = 200


def columns(model):
    """The model's concrete fields, in the order ``Model.from_db`` takes their values."""
    return model._meta.concrete_fields


@functools.cache
def schema():
    """A short fingerprint of the columns snapshots are written with."""
    described = [f"format {FORMAT}"]
    for model in (Department, *CHILD_MODELS.values()):
        described.append(
            model._meta.label + ":" + ",".join(field.attname for field in columns(model))
        )
    return hashlib.sha256(";".join(described).encode()).hexdigest()[:16]


def row(model, values):
    """A row's column values (in ``columns(model)`` order) as a snapshot holds them: as JSON
    can hold them, datetimes in ISO 8601."""
    held = []
    for field, value in zip(columns(model), values, strict=True):
        if field.attname == "page_snapshot":
            held.append(None)
            continue
        value = field.get_prep_value(value)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        held.append(value)
    return held


def _row(instance):
    model = instance._meta.model
    return row(model, [getattr(instance, field.attname) for field in columns(model)])


def assemble(department_row, children_rows, handlers):
    """A snapshot from its rows (see ``row``): the department's, its children's by relation
    name (every name of ``CHILD_MODELS``, each list in page order), and ``handlers``, a
    ``[institution pk, [handler pks in page order]]`` pair for each institution that has any."""
    return {
        "schema": schema(),
        "department": department_row,
        **{name: children_rows[name] for name in CHILD_MODELS},
        "handlers": handlers,
    }


def build(department):
    """The snapshot of a department read with ``with_structure()``."""
    return assemble(
        _row(department),
        {name: [_row(child) for child in getattr(department, name).all()] for name in CHILD_MODELS},
        [
            [institution.pk, [handler.pk for handler in institution.handlers]]
            for institution in department.institutions.all()
            if institution.handlers
        ],
    )


@functools.cache
def _date_columns(model):
    """Positions of the model's columns that a snapshot holds as ISO 8601 text."""
    return tuple(
        (position, isinstance(field, models.DateTimeField))
        for position, field in enumerate(columns(model))
        if isinstance(field, models.DateField)
    )


@functools.cache
def _attnames(model):
    return [field.attname for field in columns(model)]


def _instance(model, values, using):
    for position, is_datetime in _date_columns(model):
        value = values[position]
        if value is not None:
            parsed = datetime.datetime.fromisoformat(value)
            values[position] = parsed if is_datetime else parsed.date()
    # What Model.from_db does, less the constructor: a rebuilt row needs no
    # pre_init/post_init receivers (modeltranslation's and ImageField's only
    # matter for instances being created or edited) and costs a tenth.
    instance = model.__new__(model)
    instance.__dict__.update(zip(_attnames(model), values, strict=True))
    instance._state = ModelState()
    instance._state.adding = False
    instance._state.db = using
    return instance


def restore(snapshot, government, using):
    """The department a snapshot was built from, its children attached as ``build`` read them."""
    department = _instance(Department, list(snapshot["department"]), using)
    Department._meta.get_field("government").set_cached_value(department, government)
    for name, model in CHILD_MODELS.items():
        children = [_instance(model, list(values), using) for values in snapshot[name]]
        attach_children(department, name, children)
    institutions = {institution.pk: institution for institution in department.institutions.all()}
    for institution in institutions.values():
        institution.loaded_handlers = []
    for institution_pk, handler_pks in snapshot["handlers"]:
        institutions[institution_pk].loaded_handlers = [institutions[pk] for pk in handler_pks]
    return department


@functools.cache
def compiled_lookup(using):
    """SQL and parameters of "the live publication with this slug, its snapshot and government".

    Built with the ORM once per process (building ``published()`` costs more
    than running it), with placeholders for the slug and the moment. A plain
    queryset, not modeltranslation's, so that the government's columns are
    read as they are named.
    """
    government_columns = [f"government__{name}" for name in _attnames(Government)]
    queryset = (
        DepartmentQuerySet(model=Department)
        .published(at=MOMENT_PLACEHOLDER)
        .filter(slug=SLUG_PLACEHOLDER)
        # Two drafts' live publications can share a slug (one draft renamed
        # after publishing, another taking its slug): the newest is shown.
        .order_by("-live_from")
        .values_list("pk", "page_snapshot", *government_columns)
    )
    connection = connections[using]
    sql, params = queryset.query.get_compiler(using).as_sql()
    moment = connection.ops.adapt_datetimefield_value(MOMENT_PLACEHOLDER)
    positions = {"slug": [], "moment": []}
    for position, value in enumerate(params):
        if value == SLUG_PLACEHOLDER:
            positions["slug"].append(position)
        elif value == moment:
            positions["moment"].append(position)
    if not positions["slug"] or not positions["moment"]:
        raise ValueError("The published department's lookup lost its placeholders.")
    return sql, tuple(params), positions


def lookup_cursor(connection):
    """A cursor for the compiled lookup: on PostgreSQL one that psycopg may prepare.

    Django's cursors bind parameters on the client, which psycopg never
    prepares; PostgreSQL then plans the lookup on every request, which costs
    more than running it. A server-binding cursor (Django's own class for
    ``server_side_binding``) lets psycopg prepare it once per connection
    where ``prepare_threshold`` is set (settings.py).
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    # What connection.cursor() does with the cursor it creates: the wrapper
    # that logs queries under DEBUG and in tests, and checks threads.
    return connection._prepare_cursor(ServerBindingCursor(connection.connection))


def published_department(slug, at=None):
    """The live publication with this slug, with everything its structure page shows; or None.

    What ``Department.objects.published(at).with_structure().get(slug=slug)``
    returns, read from the publication's snapshot where it has a current one.
    """
    using = router.db_for_read(Department)
    connection = connections[using]
    sql, params, positions = compiled_lookup(using)
    params = list(params)
    for position in positions["slug"]:
        params[position] = slug
    moment = connection.ops.adapt_datetimefield_value(at or timezone.now())
    for position in positions["moment"]:
        params[position] = moment
    with lookup_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, snapshot = row[0], row[1]
    if snapshot is not None:
        snapshot = Department._meta.get_field("page_snapshot").from_db_value(
            snapshot, None, connection
        )
    if not snapshot or snapshot.get("schema") != schema():
        return Department.objects.filter(pk=pk).with_structure().first()
    government = Government.from_db(using, _attnames(Government), list(row[2:]))
    return restore(snapshot, government, using)


def store(publications):
    """Write the snapshots of these publications (a queryset of them), in batches."""
    using = publications.db
    pks = list(publications.values_list("pk", flat=True))
    for start in range(0, len(pks), REFRESH_BATCH):
        batch = Department.objects.using(using).filter(pk__in=pks[start : start + REFRESH_BATCH])
        departments = list(batch.with_structure())
        for department in departments:
            department.page_snapshot = build(department)
        Department.objects.using(using).bulk_update(departments, ["page_snapshot"])
    return len(pks)


def outdated():
    """Publications without a snapshot of the current schema."""
    publications = Department.objects.filter(draft__isnull=False)
    return publications.filter(page_snapshot__isnull=True) | publications.exclude(
        page_snapshot__schema=schema()
    )


def refresh_after_migrate(sender, apps=None, using="default", **kwargs):
    """``post_migrate``: rewrite the snapshots a change of columns left outdated.

    ``apps`` is the migrated state (``migrate``); ``flush`` sends none.
    """
    if apps is not None:
        state_model = apps.get_model("departments", "Department")
        if not any(field.name == "page_snapshot" for field in state_model._meta.get_fields()):
            # Migrated back to before snapshots existed.
            return
    count = store(outdated().using(using))
    if count:
        logger.info("Rewrote the page snapshots of %d publications.", count)
