"""Importing a whole site's export: folders with sub-folders and .zip archives, the table
of pages the command prints and its CSV report, re-running it, and the admin's upload of
an archive, whose preview leaves no trace anywhere.
"""

import csv
import io
import struct
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult
from reversion.models import Version

from contacts.models import Contact
from delivery.models import PageVersion
from departments import admin_import, legacy
from departments.legacy import archive
from departments.models import AffiliatedUnit, Department, Government, Institution, Responsibility
from departments.seed import SEED_PAGE
from tests.conftest import load_published_seed

PAGES = Path(__file__).parent / "legacy_pages"
ENGLISH_WATER = PAGES / "en-water-resources.txt"
CHINESE_WATER = PAGES / "zh-water-resources.txt"
ARCHIVES = PAGES / "en-archives-no-intro.txt"
TRANSPORT = PAGES / "en-transport.html"
REFUSED_PAGE = PAGES / "malformed" / "numbering-gap.txt"
IMPORT_URL = f"/{settings.ADMIN_URL}departments/department/import/"

# A site's export: a folder per department (English and Chinese pages side by side),
# with what else a saved site holds.
SITE = {
    "water/en.txt": ENGLISH_WATER.read_bytes(),
    "water/zh.txt": CHINESE_WATER.read_bytes(),
    "archives/index.txt": ARCHIVES.read_bytes(),
    "transport/en/index.html": TRANSPORT.read_bytes(),
    "transport/en/logo.png": b"\x89PNG not a page",
    "style.css": b"body {}",
}
HIDDEN = {".DS_Store": b"\0\0", ".git/config": b"[core]", "__MACOSX/water/._en.txt": b"\0"}
# The pages of SITE in the order they are imported: sorted by path.
SITE_PAGES = ["archives/index.txt", "transport/en/index.html", "water/en.txt", "water/zh.txt"]
WATER = "department-of-water-resources-of-lanshan-province"


def run(*paths, **options):
    """(exit status, stdout, stderr) of import_legacy; stderr ends with the error's message."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_legacy", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as error:
        return error.returncode, out.getvalue(), f"{err.getvalue()}{error}\n"
    return 0, out.getvalue(), err.getvalue()


def row_counts():
    models = [Department, Responsibility, Institution, AffiliatedUnit, Contact, Version]
    return {model.__name__: model.objects.count() for model in models}


def write_tree(root, files):
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as opened:
        for name, data in files.items():
            opened.writestr(name, data)
    return buffer.getvalue()


def write_zip(path, files):
    path.write_bytes(zip_bytes(files))
    return path


def table_rows(out):
    """The table's rows (after its header and rule), as lists of cells."""
    lines = out.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("Page "))
    assert lines[start + 1].startswith("----")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith(" ") and "  " not in line:
            break
        rows.append([cell for cell in line.split("  ") if cell.strip()])
    return [[cell.strip() for cell in row] for row in rows]


@pytest.fixture
def site(tmp_path):
    return write_tree(tmp_path / "site", {**SITE, **HIDDEN})


def with_warning(monkeypatch, source_suffix, message):
    """The reader warns about line 3 of the pages whose name ends so (as the reader does
    about a count that disagrees with its list)."""
    read = legacy.PageReader.read

    def read_and_warn(reader):
        page = read(reader)
        if page.source.endswith(source_suffix):
            page.warnings.append(legacy.Problem(3, page.name, message))
        return page

    monkeypatch.setattr(legacy.PageReader, "read", read_and_warn)


# Folders.


def test_a_folder_is_read_with_its_sub_folders_in_the_order_of_their_paths(lanshan, site):
    status, out, err = run(site, folder_per_department=True)

    assert status == 0, err
    assert [row[0] for row in table_rows(out)] == SITE_PAGES
    assert "Skipped 2 file(s) that are not exported pages: style.css, transport/en/logo.png" in out
    assert ".DS_Store" not in out and "__MACOSX" not in out
    assert "3 created, 1 updated, 0 unchanged, 0 refused." in out
    water = Department.objects.drafts().get(slug=WATER)
    # The Chinese page beside the English one filled the same department's Chinese columns.
    assert (water.name_en, water.name_zh_hans) == (
        "Department of Water Resources of Lanshan Province",
        "岚山省水利厅",
    )
    assert water.responsibilities.exclude(text_zh_hans="").count() == 5
    assert Department.objects.drafts().count() == 3


def test_without_a_folder_per_department_a_new_departments_chinese_page_is_refused(lanshan, site):
    status, out, err = run(site)
    assert status == 1
    assert "water/zh.txt: refused, nothing was imported:" in err
    assert "No department is named “岚山省水利厅” in Simplified Chinese" in err
    assert "3 created, 0 updated, 0 unchanged, 1 refused." in out
    assert not Department.objects.drafts().get(slug=WATER).name_zh_hans


def test_the_table_names_each_page_its_department_and_outcome(lanshan, site):
    status, out, _err = run(site, folder_per_department=True)
    assert status == 0
    header = next(line for line in out.splitlines() if line.startswith("Page "))
    assert header.split() == ["Page", "Department", "Outcome", "Warnings"]
    assert table_rows(out) == [
        [
            "archives/index.txt",
            "archives-bureau-of-lanshan-province / Archives Bureau of Lanshan Province",
            "created",
            "—",
        ],
        [
            "transport/en/index.html",
            "department-of-transport-of-lanshan-province / "
            "Department of Transport of Lanshan Province",
            "created",
            "—",
        ],
        [
            "water/en.txt",
            f"{WATER} / Department of Water Resources of Lanshan Province",
            "created",
            "—",
        ],
        ["water/zh.txt", f"{WATER} / 岚山省水利厅", "updated", "—"],
    ]
    # The field-by-field changes are for -v 2 and dry runs.
    assert "+ responsibility 1" not in out
    status, out, _err = run(site, folder_per_department=True, verbosity=2)
    assert "no changes" in out


def test_re_running_the_import_changes_nothing(lanshan, site):
    run(site, folder_per_department=True)
    counts = row_counts()
    changed_at = list(Department.objects.values_list("content_changed_at", flat=True))

    status, out, _err = run(site, folder_per_department=True)

    assert status == 0
    assert [row[2] for row in table_rows(out)] == ["unchanged"] * 4
    assert "0 created, 0 updated, 4 unchanged, 0 refused." in out
    assert row_counts() == counts
    assert list(Department.objects.values_list("content_changed_at", flat=True)) == changed_at


def test_one_refused_page_stops_nothing_else_and_leaves_nothing_of_itself(
    lanshan, site, monkeypatch
):
    write_tree(site, {"culture/en.txt": REFUSED_PAGE.read_bytes()})
    # The transport page fails while it is being written, after some of its rows were.
    save = legacy.DraftWriter.save

    def save_then_fail(writer, draft):
        save(writer, draft)
        if writer.page.source.startswith("transport/"):
            raise legacy.ImportRefused([legacy.Problem(None, "", "disk full")])

    monkeypatch.setattr(legacy.DraftWriter, "save", save_then_fail)

    status, out, err = run(site, folder_per_department=True)

    assert status == 1
    assert "culture/en.txt: refused, nothing was imported:" in err
    assert "(4) Supervising examinations." in err
    assert "transport/en/index.html: refused, nothing was imported:" in err
    assert "disk full" in err
    assert "2 created, 1 updated, 0 unchanged, 2 refused." in out
    assert err.endswith("2 of 5 page(s) refused; nothing was written for them.\n")
    assert sorted(Department.objects.values_list("slug", flat=True)) == [
        "archives-bureau-of-lanshan-province",
        WATER,
    ]
    assert not Responsibility.objects.exclude(
        department__slug__in=[WATER, "archives-bureau-of-lanshan-province"]
    ).exists()
    assert not Version.objects.filter(revision__comment__contains="transport").exists()


def test_warnings_are_shown_after_the_table_and_the_page_is_imported(lanshan, site, monkeypatch):
    with_warning(monkeypatch, "water/en.txt", "the page says 3 units but lists 2")
    status, out, _err = run(site, folder_per_department=True)
    assert status == 0
    rows = {row[0]: row for row in table_rows(out)}
    assert rows["water/en.txt"][2:] == ["created", "1"]
    assert rows["archives/index.txt"][2:] == ["created", "—"]
    assert "Warnings (imported all the same):" in out
    assert (
        "  water/en.txt: line 3: Department of Water Resources of Lanshan Province — "
        "the page says 3 units but lists 2" in out
    )
    assert Department.objects.drafts().filter(slug=WATER).exists()


# The CSV report.


def test_the_report_is_the_table_as_csv(lanshan, site, tmp_path, monkeypatch):
    write_tree(site, {"culture/en.txt": REFUSED_PAGE.read_bytes()})
    with_warning(monkeypatch, "water/en.txt", "the page says 3 units but lists 2")
    report = tmp_path / "report.csv"

    status, out, _err = run(site, folder_per_department=True, report=str(report))

    assert status == 1
    assert f"Report written to {report}." in out
    # A byte-order mark, for Excel and WPS to read the Chinese as UTF-8.
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")
    with report.open(encoding="utf-8-sig", newline="") as opened:
        rows = list(csv.DictReader(opened))
    assert list(rows[0]) == [
        "Page",
        "Language",
        "Slug",
        "Department",
        "Outcome",
        "Warnings",
        "Refusal reasons and warnings",
    ]
    assert [row["Page"] for row in rows] == [
        "archives/index.txt",
        "culture/en.txt",
        "transport/en/index.html",
        "water/en.txt",
        "water/zh.txt",
    ]
    by_page = {row["Page"]: row for row in rows}
    assert by_page["water/zh.txt"] | {} == {
        "Page": "water/zh.txt",
        "Language": "zh-hans",
        "Slug": WATER,
        "Department": "岚山省水利厅",
        "Outcome": "updated",
        "Warnings": "0",
        "Refusal reasons and warnings": "",
    }
    assert by_page["water/en.txt"]["Warnings"] == "1"
    assert by_page["water/en.txt"]["Refusal reasons and warnings"] == (
        "line 3: Department of Water Resources of Lanshan Province — "
        "the page says 3 units but lists 2"
    )
    refused = by_page["culture/en.txt"]
    assert (refused["Outcome"], refused["Slug"]) == ("refused", "")
    assert "line 8: (4) Supervising examinations. — numbered 4 where 3 was expected" in (
        refused["Refusal reasons and warnings"].splitlines()
    )


def test_a_report_that_cannot_be_written_stops_the_command_before_it_imports(lanshan, site):
    status, _out, err = run(site, report="/nonexistent/folder/report.csv")
    assert status == 1
    assert "Cannot write the report /nonexistent/folder/report.csv: No such file" in err
    assert not Department.objects.exists()


# Archives.


def test_a_zip_archive_is_imported_like_the_folder_it_holds(lanshan, tmp_path):
    path = write_zip(tmp_path / "site.zip", {**SITE, **HIDDEN})

    status, out, err = run(path, folder_per_department=True)

    assert status == 0, err
    assert [row[0] for row in table_rows(out)] == [f"site.zip/{name}" for name in SITE_PAGES]
    assert "site.zip/style.css" in out and "site.zip/transport/en/logo.png" in out
    assert Department.objects.drafts().get(slug=WATER).name_zh_hans == "岚山省水利厅"
    revision = Version.objects.get_for_object(Department.objects.get(slug=WATER)).first().revision
    assert revision.comment == "Imported from site.zip/water/zh.txt."
    # And again: nothing changes.
    status, out, _err = run(path, folder_per_department=True)
    assert "0 created, 0 updated, 4 unchanged, 0 refused." in out


def test_a_dry_run_of_an_archive_writes_nothing(lanshan, tmp_path):
    path = write_zip(tmp_path / "site.zip", SITE)
    status, out, _err = run(path, folder_per_department=True, dry_run=True)
    assert status == 0
    assert "Dry run, nothing written: would be 3 created, 1 updated" in out
    assert "would create" in out
    assert not Department.objects.exists() and not Version.objects.exists()


def corrupt_member(data, name):
    """The archive with a byte of ``name``'s compressed data changed."""
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        info = opened.getinfo(name)
    header_length = 30 + len(info.filename.encode()) + len(info.extra)
    position = info.header_offset + header_length + info.compress_size // 2
    return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]


def understate_size(data, name, size):
    """The archive with ``name`` declaring ``size`` bytes where it expands to more: a bomb
    that lies about its size."""
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        info = opened.getinfo(name)
    data = bytearray(data)
    struct.pack_into("<I", data, info.header_offset + 22, size)  # the local header
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, size)  # the central directory's entry
    return bytes(data)


@pytest.mark.parametrize(
    ("make_archive", "message"),
    [
        (lambda: b"PK\x03\x04 this is not an archive", "The archive is damaged"),
        (lambda: zip_bytes(SITE)[:-40], "The archive is damaged"),
        (lambda: corrupt_member(zip_bytes(SITE), "water/zh.txt"), "site.zip: "),
        (
            lambda: understate_size(zip_bytes(SITE), "water/zh.txt", 100),
            "The archive is damaged",
        ),
        (
            lambda: zip_bytes({**SITE, "../outside.txt": ARCHIVES.read_bytes()}),
            "names files outside its own folder (../outside.txt)",
        ),
        (
            lambda: zip_bytes({**SITE, "/etc/page.txt": ARCHIVES.read_bytes()}),
            "names files outside its own folder",
        ),
        (lambda: zip_bytes({"logo.png": b"png"}), "No exported pages (.txt, .html) in the archive"),
    ],
    ids=["not-a-zip", "truncated", "bad-checksum", "lying-size", "dot-dot", "absolute", "empty"],
)
def test_an_archive_that_cannot_be_read_whole_is_refused_whole(
    lanshan, tmp_path, make_archive, message
):
    path = tmp_path / "site.zip"
    path.write_bytes(make_archive())

    status, out, err = run(path, ARCHIVES)

    assert status == 1
    assert "site.zip: refused, nothing was imported:" in err
    assert message in err
    # Nothing of the archive; the page given beside it is imported.
    assert list(Department.objects.values_list("slug", flat=True)) == [
        "archives-bureau-of-lanshan-province"
    ]
    assert "1 created, 0 updated, 0 unchanged, 1 refused." in out


def test_an_archive_too_large_once_expanded_is_refused_before_it_is_read(
    lanshan, tmp_path, monkeypatch
):
    monkeypatch.setattr(archive, "MAX_ARCHIVE_PAGES_SIZE", 5_000)
    # Each page on its own is small; together they exceed the archive's limit.
    path = write_zip(tmp_path / "site.zip", SITE)
    status, _out, err = run(path)
    assert status == 1
    assert "The pages in the archive would expand to more than 4.9\xa0KB" in err
    assert not Department.objects.exists()


def test_an_archive_of_too_many_files_is_refused(lanshan, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_ARCHIVE_MEMBERS", 5)
    path = write_zip(tmp_path / "site.zip", SITE | HIDDEN)
    status, _out, err = run(path)
    assert status == 1
    assert "The archive holds more than 5 files; it was not read." in err
    assert not Department.objects.exists()


def test_a_page_too_large_in_an_archive_is_refused_without_being_expanded(lanshan, tmp_path):
    # Three megabytes of spaces: a few kilobytes compressed.
    path = write_zip(tmp_path / "site.zip", {**SITE, "huge.txt": b" " * (3 * 1024 * 1024)})
    status, out, err = run(path, folder_per_department=True)
    assert status == 1
    assert "site.zip/huge.txt: refused, nothing was imported:" in err
    assert "The file is too large for a structure page." in err
    assert "3 created, 1 updated, 0 unchanged, 1 refused." in out


# The admin.


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")


def zip_upload(files, name="site.zip"):
    return SimpleUploadedFile(name, zip_bytes(files), content_type="application/zip")


def test_admin_previews_each_page_of_an_archive_then_imports_them(client, lanshan, superuser):
    client.force_login(superuser)
    assert ".zip" in client.get(IMPORT_URL).content.decode()

    response = client.post(
        IMPORT_URL,
        {
            "files": [zip_upload({**SITE, "culture/en.txt": REFUSED_PAGE.read_bytes()})],
            "kind": "component",
            "folder_per_department": "on",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    for name in ["archives/index.txt", "transport/en/index.html", "water/en.txt"]:
        assert f"site.zip/{name}: Will be created" in content
    assert "site.zip/water/zh.txt: Will be updated" in content
    assert "site.zip/culture/en.txt: Refused" in content
    assert "(4) Supervising examinations." in content
    assert 'class="import-summary"' in content and "5 pages" in content
    assert "Skipped: files that are not exported pages" in content
    assert "site.zip/style.css" in content
    assert not Department.objects.exists()

    response = client.post(IMPORT_URL, {"payload": response.context["payload"]})

    assert response.status_code == 200
    assert "site.zip/water/zh.txt: Updated" in response.content.decode()
    assert sorted(Department.objects.drafts().values_list("slug", flat=True)) == [
        "archives-bureau-of-lanshan-province",
        "department-of-transport-of-lanshan-province",
        WATER,
    ]
    assert Department.objects.get(slug=WATER).name_zh_hans == "岚山省水利厅"


def test_admin_shows_a_pages_warnings_in_the_preview(client, lanshan, superuser, monkeypatch):
    with_warning(monkeypatch, "water/en.txt", "the page says 3 units but lists 2")
    client.force_login(superuser)
    response = client.post(IMPORT_URL, {"files": [zip_upload(SITE)]})
    content = response.content.decode()
    assert "Imported all the same, but check these lines:" in content
    assert "the page says 3 units but lists 2" in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 not an archive", "The archive is damaged"),
        (zip_bytes({"../page.txt": b"x"}), "names files outside its own folder"),
    ],
)
def test_admin_refuses_an_archive_it_cannot_read_whole(client, lanshan, superuser, data, message):
    client.force_login(superuser)
    upload = SimpleUploadedFile("site.zip", data)
    response = client.post(IMPORT_URL, {"files": [upload]})
    assert response.status_code == 400
    assert "site.zip: " in response.content.decode()
    assert message in response.content.decode()
    assert not Department.objects.exists()


def test_admin_refuses_more_pages_than_a_request_can_import(
    client, lanshan, superuser, monkeypatch
):
    monkeypatch.setattr(admin_import, "MAX_UPLOAD_PAGES", 3)
    client.force_login(superuser)
    response = client.post(IMPORT_URL, {"files": [zip_upload(SITE)]})
    assert response.status_code == 400
    assert "These files hold 4 pages; the admin imports at most 3 at a time." in (
        response.content.decode()
    )


def test_only_staff_who_may_add_departments_can_import_an_archive(client, lanshan):
    editor = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"files": [zip_upload(SITE)]}).status_code == 403
    assert not Department.objects.exists()

    editor.user_permissions.add(Permission.objects.get(codename="add_department"))
    client.force_login(get_user_model().objects.get(pk=editor.pk))
    response = client.post(IMPORT_URL, {"files": [zip_upload(SITE)]})
    assert response.status_code == 200
    assert "site.zip/water/en.txt: Will be created" in response.content.decode()


# The preview leaves no trace.


TASK_BACKENDS = {
    # Production's: a request writes the task's row; a worker renders.
    "database": "django_tasks_db.DatabaseBackend",
    # Development's: the task renders the files as soon as it is enqueued.
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


@pytest.fixture(params=sorted(TASK_BACKENDS))
def production_delivery(request, transactional_db, tmp_path, settings):
    """The seed published, committed (no test transaction: commits happen, as in production),
    static publishing on, with each task backend. Returns the publishing root and the
    backend's name."""
    settings.STATIC_PUBLISHING_ROOT = str(tmp_path / "published")
    settings.SITE_URL = "http://testserver"
    settings.TASKS = {"default": {"BACKEND": TASK_BACKENDS[request.param]}}
    load_published_seed()
    Government.objects.create(slug="lanshan", name_en="Lanshan", name_zh_hans="岚山")
    DBTaskResult.objects.all().delete()
    return tmp_path / "published", request.param


def traces(root):
    """Everything an import may leave behind, outside the page it shows."""
    return {
        "files": sorted(str(path) for path in root.rglob("*")) if root.exists() else [],
        "tasks": list(DBTaskResult.objects.values_list("task_path", "args_kwargs")),
        "page versions": sorted(PageVersion.objects.values_list("topic", "token")),
        "versions": Version.objects.count(),
        "departments": sorted(
            Department.objects.values_list("pk", "slug", "name_en", "content_changed_at")
        ),
        "responsibilities": sorted(Responsibility.objects.values_list("pk", "text_en")),
    }


def test_a_preview_leaves_no_trace_and_its_confirmation_does(client, production_delivery):
    root, backend = production_delivery
    superuser = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(superuser)
    lanshan = Government.objects.get(slug="lanshan")
    changed_seed = SEED_PAGE.read_bytes().replace(b"No. 66 Minsheng Road", b"No. 68 Minsheng Road")
    files = {"public-security/en.txt": changed_seed, "water/en.txt": ENGLISH_WATER.read_bytes()}
    before = traces(root)

    # Publishing right away: what announces a change of the public pages.
    response = client.post(
        IMPORT_URL, {"files": [zip_upload(files)], "government": lanshan.pk, "publish": "on"}
    )

    content = response.content.decode()
    assert "site.zip/public-security/en.txt: Will be updated" in content
    assert "site.zip/water/en.txt: Will be created" in content
    assert "It will be published right away." in content
    assert traces(root) == before

    # The same import confirmed does announce it: the checks above can fail.
    client.post(IMPORT_URL, {"payload": response.context["payload"]})
    after = traces(root)
    if backend == "database":
        assert {path for path, _args in after["tasks"]} == {"delivery.tasks.refresh_pages"}
    else:
        assert "en/government/structure/public-security/index.html" in "".join(after["files"])
    assert after["page versions"] != before["page versions"]
    assert after["versions"] > before["versions"]
    assert len(after["departments"]) > len(before["departments"])


def test_a_command_dry_run_leaves_no_trace_either(production_delivery, tmp_path):
    root, _backend = production_delivery
    path = write_zip(
        tmp_path / "site.zip",
        {
            "public-security/en.txt": SEED_PAGE.read_bytes().replace(b"No. 66", b"No. 68"),
            "water/en.txt": ENGLISH_WATER.read_bytes(),
        },
    )
    before = traces(root)
    status, out, err = run(path, dry_run=True, publish=True, government="lanshan")
    assert status == 0, err
    assert "would update, published" in out and "would create, published" in out
    assert traces(root) == before
