"""Indexes for the search: English full text and Chinese trigrams (PostgreSQL only).

They are expression indexes that the models do not declare, so they live
here; other databases search without them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (table, English columns, Chinese columns)
SEARCHED = [
    ("departments_department", ["name_en", "introduction_en"], ["name_zh_hans", "introduction_zh_hans"]),
    ("departments_responsibility", ["text_en"], ["text_zh_hans"]),
    ("departments_institution", ["name_en", "full_name_en"], ["name_zh_hans", "full_name_zh_hans"]),
    ("departments_affiliatedunit", ["name_en"], ["name_zh_hans"]),
]


def english_vector(columns):
    # Must match SearchVector(*columns, config="english") for the planner to use it.
    parts = " || ' ' || ".join(f"COALESCE({column}, '')" for column in columns)
    return f"to_tsvector('english'::regconfig, {parts})"


def statements():
    create, drop = [], []
    for table, english, chinese in SEARCHED:
        name = f"{table}_en_fts"
        create.append(f"CREATE INDEX {name} ON {table} USING gin (({english_vector(english)}))")
        drop.append(f"DROP INDEX IF EXISTS {name}")
        for column in chinese:
            name = f"{table}_{column}_trgm"
            create.append(f"CREATE INDEX {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)")
            drop.append(f"DROP INDEX IF EXISTS {name}")
    return create, drop


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements()[0]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements()[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("departments", "0003_editor_and_publisher_groups")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
