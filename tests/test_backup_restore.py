"""The README's restore procedure works: pg_dump, pg_restore into an empty database, migrate,
and the restored site serves, searches and publishes (PostgreSQL only)."""

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from tests.conftest import load_published_seed
from tests.production import run_manage, run_python

# Run against the restored database: the seed page, a Chinese search, and a publication,
# whose children the restored trigger must mark as a publication's (the search reads them).
USE_THE_RESTORED_SITE = """
import django
django.setup()
from django.db import connection
from django.test import Client
from departments.models import Department
from departments.services import publish

client = Client(HTTP_HOST="127.0.0.1")
page = client.get("/en/government/structure/public-security/")
print("page", page.status_code, "Department of Public Security" in page.content.decode())
search = client.get("/zh-hans/search/", {"q": "户籍"})
print("search", search.status_code, "浙江省公安厅" in search.content.decode())
draft = Department.objects.drafts().get(slug="public-security")
draft.name_en = "Department of Public Security (restored)"
draft.save()
publish(draft)
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT bool_and(r.in_publication) FROM departments_responsibility r "
        "JOIN departments_department d ON d.id = r.department_id "
        "WHERE d.slug = 'public-security' AND d.draft_id IS NOT NULL"
    )
    print("flagged", cursor.fetchone()[0])
page = client.get("/en/government/structure/public-security/")
print("republished", "(restored)" in page.content.decode())
"""


def postgresql_tool(name):
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is missing: CI must check the restore procedure.")
    pytest.skip(f"{name} is not installed (apt-get install -y postgresql-client)")


def test_a_dump_restored_into_an_empty_database_serves_the_site(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the backup procedure is PostgreSQL's")
    load_published_seed()
    database = connection.settings_dict
    server = {
        "host": database["HOST"] or "127.0.0.1",
        "port": str(database["PORT"] or 5432),
        "user": database["USER"],
    }
    server_arguments = ["--host", server["host"], "--port", server["port"]]
    server_arguments += ["--username", server["user"]]
    command_env = {**os.environ, "PGPASSWORD": database["PASSWORD"] or ""}
    dump = tmp_path / "portal.dump"
    subprocess.run(
        [postgresql_tool("pg_dump"), "--format=custom", "--file", str(dump)]
        + [*server_arguments, database["NAME"]],
        env=command_env,
        check=True,
        timeout=120,
    )
    restored = f"portal_restored_{uuid.uuid4().hex[:8]}"
    maintenance = psycopg.connect(
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=database["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        maintenance.execute(f'CREATE DATABASE "{restored}"')
        result = subprocess.run(
            [postgresql_tool("pg_restore"), "--dbname", restored, *server_arguments, str(dump)],
            env=command_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        user = server["user"]
        site_env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{user}@{server['host']}:{server['port']}/{restored}",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
        for step in (["migrate", "--noinput"], ["clear_page_cache"]):
            result = run_manage(step, site_env)
            assert result.returncode == 0, result.stderr
        result = run_python(USE_THE_RESTORED_SITE, site_env)
        assert result.returncode == 0, result.stderr
        printed = result.stdout.splitlines()
        for line in ["page 200 True", "search 200 True", "flagged True", "republished True"]:
            assert line in printed, result.stdout
    finally:
        maintenance.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        maintenance.close()
