"""Search indexes whose cost does not grow with the number of departments (PostgreSQL only).

Publication rows only: the public search never shows a draft, so the indexes
leave drafts out. A department row is a publication when ``draft_id`` is set;
its children get an ``in_publication`` column for the same, set by a trigger
from their department when they are inserted (publishing inserts copies).
Without it a common word would have the search read every draft's match too,
all of them first where drafts were created before any was published.

English: each searched table gets a stored ``search_vector_en`` column, generated
by PostgreSQL from the English columns with the same ``to_tsvector`` that 0004
indexed, and a GIN index on it. Ranking (``ts_rank``) then reads the stored
vector; with only the expression index it parsed the text again for every match,
which made a word found in thousands of departments cost seconds.

Chinese: pg_trgm's index cannot serve a query of one or two characters, which
most Chinese words are (a trigram needs three), so such a search read every row.
The new indexes hold each text's characters and pairs of characters
(``departments_search_grams``); a query's pairs (``departments_search_query_grams``)
must all be among them, and the search then checks the text itself. pg_trgm
stays: the search ranks Chinese hits with its word similarity.

The models do not declare these columns, indexes, functions and triggers (as
with 0004's indexes): other databases search without them. PostgreSQL refuses to
change the type of a column that a generated column reads (a new ``max_length``
of ``Institution.name``, say): such a migration must drop ``search_vector_en`` of
that table first and add it again (``drop_vector`` and ``add_vector`` below).
"""

from importlib import import_module

from django.db import migrations

search_indexes = import_module("departments.migrations.0004_search_indexes")

# (table, English columns, Chinese columns), as in 0004.
SEARCHED = search_indexes.SEARCHED
DEPARTMENTS = "departments_department"

# Upper case, as the search compares. The pairs are read in two passes of
# non-overlapping matches, the second shifted by one character: together they
# are every pair. (GIN stores each distinct element once per row.)
CREATE_GRAMS_FUNCTIONS = r"""
CREATE FUNCTION departments_search_grams(document text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT string_to_array(upper(document), NULL)
        || ARRAY(SELECT (regexp_matches(upper(document), '..', 'g'))[1])
        || ARRAY(SELECT (regexp_matches(substr(upper(document), 2), '..', 'g'))[1])
$$;
CREATE FUNCTION departments_search_query_grams(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN char_length(upper_query) < 2 THEN ARRAY[upper_query]
    ELSE ARRAY(
        SELECT substr(upper_query, start, 2)
        FROM generate_series(1, char_length(upper_query) - 1) AS start
    ) END
    FROM upper(query) AS upper_query
$$;
"""

# A row whose department is not there (yet) keeps the value it was given: a
# restore from pg_dump loads the tables in any order, with the values (and with
# an empty search_path, hence the one of the migration, kept with the function).
CREATE_FLAG_FUNCTION = f"""
CREATE FUNCTION departments_set_in_publication() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    of_publication boolean;
BEGIN
    SELECT draft_id IS NOT NULL INTO of_publication FROM {DEPARTMENTS} WHERE id = NEW.department_id;
    IF FOUND THEN
        NEW.in_publication := of_publication;
    END IF;
    RETURN NEW;
END
$$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS departments_search_grams(text);
DROP FUNCTION IF EXISTS departments_search_query_grams(text);
DROP FUNCTION IF EXISTS departments_set_in_publication();
"""


def publication_rows(table):
    """The condition of the partial indexes; the search's queries must state it too."""
    return "draft_id IS NOT NULL" if table == DEPARTMENTS else "in_publication"


def add_flag(schema_editor, table):
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN in_publication boolean NOT NULL DEFAULT false"
    )
    schema_editor.execute(
        f"UPDATE {table} SET in_publication = true FROM {DEPARTMENTS} "
        f"WHERE {DEPARTMENTS}.id = {table}.department_id AND {DEPARTMENTS}.draft_id IS NOT NULL"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {table}_in_publication "
        f"BEFORE INSERT OR UPDATE OF department_id ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION departments_set_in_publication()"
    )


def drop_flag(schema_editor, table):
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_in_publication ON {table}")
    schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS in_publication")


def add_vector(schema_editor, table, columns):
    # Must match search.english_vector(): the column and its index.
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN search_vector_en tsvector "
        f"GENERATED ALWAYS AS ({search_indexes.english_vector(columns)}) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX {table}_en_fts ON {table} USING gin (search_vector_en) "
        f"WHERE {publication_rows(table)}"
    )


def drop_vector(schema_editor, table):
    schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector_en")


def add_grams_index(schema_editor, table, column):
    # Must match search.chinese_grams() for the planner to use it.
    schema_editor.execute(
        f"CREATE INDEX {table}_{column}_grams ON {table} "
        f"USING gin (departments_search_grams({column})) WHERE {publication_rows(table)}"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # 0004's indexes go first, so that adding the columns (which rewrites each table
    # and its indexes) does not rebuild them.
    for statement in search_indexes.statements()[1]:
        schema_editor.execute(statement)
    schema_editor.execute(CREATE_GRAMS_FUNCTIONS)
    schema_editor.execute(CREATE_FLAG_FUNCTION)
    for table, english, chinese in SEARCHED:
        if table != DEPARTMENTS:
            add_flag(schema_editor, table)
        add_vector(schema_editor, table, english)
        for column in chinese:
            add_grams_index(schema_editor, table, column)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _english, chinese in SEARCHED:
        for column in chinese:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_grams")
        drop_vector(schema_editor, table)
        if table != DEPARTMENTS:
            drop_flag(schema_editor, table)
    schema_editor.execute(DROP_FUNCTIONS)
    for statement in search_indexes.statements()[0]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("departments", "0004_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
