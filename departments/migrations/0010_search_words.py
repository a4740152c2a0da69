"""Chinese search by words: each published item stores its segmented words.

``search_words`` holds the words (``departments.search_words``, ``terms.segmentation``)
separated by spaces. On PostgreSQL a GIN index of them as a ``tsvector`` (built with
``array_to_tsvector``, so no text-search parser touches them) serves the search,
over publication rows only, as 0005's indexes do. It replaces 0005's index of
characters and pairs of characters, which matched substrings (民政 in 人民政府).
The rows published before this migration get their words here.
"""

from importlib import import_module

from django.db import migrations, models

from terms.segmentation import Segmenter

publication_indexes = import_module("departments.migrations.0005_publication_search_indexes")

SEGMENTED = {
    "Department": ["name_zh_hans", "introduction_zh_hans"],
    "Responsibility": ["text_zh_hans"],
    "Institution": ["name_zh_hans", "full_name_zh_hans"],
    "AffiliatedUnit": ["name_zh_hans"],
}


def words_index(table):
    # Must match search.chinese_words() for the planner to use it.
    return (
        f"CREATE INDEX {table}_words ON {table} "
        f"USING gin (array_to_tsvector(string_to_array(search_words, ' '))) "
        f"WHERE {publication_indexes.publication_rows(table)}"
    )


def segment_publications(apps, schema_editor):
    words = apps.get_model("terms", "DictionaryWord").objects.values_list("word", flat=True)
    segmenter = Segmenter(list(words))
    for name, fields in SEGMENTED.items():
        model = apps.get_model("departments", name)
        if name == "Department":
            rows = model.objects.filter(draft__isnull=False)
        else:
            rows = model.objects.filter(department__draft__isnull=False)
        changed = []
        for row in rows.only("pk", *fields):
            row.search_words = segmenter.indexed_words(*(getattr(row, field) or "" for field in fields))
            changed.append(row)
        model.objects.bulk_update(changed, ["search_words"], batch_size=500)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _english, chinese in publication_indexes.SEARCHED:
        for column in chinese:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_grams")
        schema_editor.execute(words_index(table))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _english, chinese in publication_indexes.SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_words")
        for column in chinese:
            publication_indexes.add_grams_index(schema_editor, table, column)


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0009_list_completeness'),
        ('terms', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='affiliatedunit',
            name='search_words',
            field=models.TextField(blank=True, default='', editable=False, help_text='The Chinese words the search finds this by, written when it is published.', verbose_name='search words'),
        ),
        migrations.AddField(
            model_name='department',
            name='search_words',
            field=models.TextField(blank=True, default='', editable=False, help_text='The Chinese words the search finds this by, written when it is published.', verbose_name='search words'),
        ),
        migrations.AddField(
            model_name='institution',
            name='search_words',
            field=models.TextField(blank=True, default='', editable=False, help_text='The Chinese words the search finds this by, written when it is published.', verbose_name='search words'),
        ),
        migrations.AddField(
            model_name='responsibility',
            name='search_words',
            field=models.TextField(blank=True, default='', editable=False, help_text='The Chinese words the search finds this by, written when it is published.', verbose_name='search words'),
        ),
        migrations.RunPython(segment_publications, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
