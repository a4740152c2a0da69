"""Search terms of a responsibility: what citizens call what it covers (issue 21).

Searched with the text: the Chinese ones are among the stored words (publishing
segments them), the English ones join the text in ``search_vector_en`` on
PostgreSQL, which PostgreSQL only lets us change by dropping and adding the
generated column (see 0005).
"""

from importlib import import_module

from django.db import migrations, models

publication_indexes = import_module("departments.migrations.0005_publication_search_indexes")
TABLE = "departments_responsibility"


def with_terms(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    publication_indexes.drop_vector(schema_editor, TABLE)
    publication_indexes.add_vector(schema_editor, TABLE, ["text_en", "search_terms_en"])


def without_terms(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    publication_indexes.drop_vector(schema_editor, TABLE)
    publication_indexes.add_vector(schema_editor, TABLE, ["text_en"])


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0010_search_words'),
    ]

    operations = [
        migrations.AddField(
            model_name='responsibility',
            name='search_terms',
            field=models.TextField(blank=True, help_text='Other words citizens use for what this covers, one per line: everyday and short names, and in English also pinyin. Searched with the text, never shown.', verbose_name='search terms'),
        ),
        migrations.AddField(
            model_name='responsibility',
            name='search_terms_en',
            field=models.TextField(blank=True, help_text='Other words citizens use for what this covers, one per line: everyday and short names, and in English also pinyin. Searched with the text, never shown.', null=True, verbose_name='search terms'),
        ),
        migrations.AddField(
            model_name='responsibility',
            name='search_terms_zh_hans',
            field=models.TextField(blank=True, help_text='Other words citizens use for what this covers, one per line: everyday and short names, and in English also pinyin. Searched with the text, never shown.', null=True, verbose_name='search terms'),
        ),
        migrations.RunPython(with_terms, without_terms),
    ]
