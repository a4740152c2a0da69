"""Import a whole site's export with ``manage.py import_legacy``, and print how long it takes.

    .venv/bin/python bench/import_site.py [--pages 200] [--server-url postgres://postgres@127.0.0.1:5432]

Writes a site of fictional departments' structure pages (``--pages`` pages: each
department's English and Chinese page in a folder of its own), creates the database
``portal_bench_import`` on the server (dropped first if a killed run left it, dropped at the
end), migrates it, loads the seed (the government the departments join), and runs, with
production settings (``DJANGO_ENV=production``)::

    manage.py import_legacy SITE --folder-per-department --report FILE

twice: the first import creates every department, the second must find every page
unchanged. Prints the seconds of each (whole commands: Django's start included, printed
apart), the outcomes the reports count, and the issue's target (under 60 s for 200
pages). Not a test; it prints figures.

The departments are ``generate_departments.GeneratedDepartment``'s (names, responsibilities,
institutions, units and contacts of the seed page's shape and weight, in both languages),
written in the styles of the legacy exports the importer reads: English as the seed page's
plain text or as a saved HTML page, Chinese with "（一）" or "1、" numbering, in UTF-8 or
GB18030.
"""

import argparse
import csv
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BASE_DIR = BENCH.parent
sys.path.insert(0, str(BENCH))

from benchmark import drop_database, recreate_database  # noqa: E402
from generate_departments import GeneratedDepartment  # noqa: E402

DATABASE = "portal_bench_import"
TARGET_SECONDS = 60
ENGLISH_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight"]
CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number):
    """1 -> 一, 10 -> 十, 16 -> 十六, 20 -> 二十 (numbers below 100)."""
    tens, ones = divmod(number, 10)
    text = ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" if tens else ""
    return text + (CHINESE_DIGITS[ones] if ones else "")


def date_of(department):
    moment = datetime(2024, 6, 1, 9, 0) - timedelta(minutes=department.published_at)
    return moment.strftime("%Y-%m-%d %H:%M")


def english_lines(department):
    """The department's English page, as the seed page's export writes it."""
    name = department.name_en
    short_names = [institution[0] for institution in department.institutions]
    handled = department.institutions[0][0]
    handlers = [institution[2] for institution in department.institutions if institution[2]][1:]
    direct = [unit[0] for unit in department.units if unit[2] == "directly-affiliated"]
    managed = [unit[0] for unit in department.units if unit[2] == "managed"]
    return [
        ("crumbs", "> GOVERNMENT > Government Structure"),
        ("title", name),
        ("date", f"Date:{date_of(department)}"),
        ("heading", "Institutional functions:"),
        ("text", department.introduction_en),
        *(
            ("item", f"({number}) {text}")
            for number, (text, _zh) in enumerate(department.responsibilities, 1)
        ),
        (
            "text",
            f"{name} consists of institutions including {', '.join(short_names)},etc., and "
            "these institutions are responsible for relevant work. The routine work of the "
            f"{handled} is handled by the {', '.join(handlers)}, etc.",
        ),
        (
            "text",
            f"{name} has {ENGLISH_NUMBERS[len(direct)]} directly affiliated units, including "
            f"the {', the '.join(direct[:-1])}, and the {direct[-1]}, and manages the "
            f"{' and the '.join(managed)}.",
        ),
        *(
            ("contact", f"{label}: {value}")
            for _kind, label, _label_zh, value, _value_zh in department.contacts
        ),
        ("footer", "print close"),
        ("footer", "Produced By 大汉网络 大汉版通发布系统"),
    ]


def english_text(department):
    return "\n\n".join(text for _role, text in english_lines(department)) + "\n"


def english_html(department):
    """The same page saved from a browser: markup, entities, boilerplate."""
    tags = {"crumbs": "div", "title": "h1", "date": "p", "heading": "h2", "footer": "div"}
    body = [
        f"<{tags.get(role, 'p')}>{escape(text, quote=False)}</{tags.get(role, 'p')}>"
        for role, text in english_lines(department)
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(department.name_en)}</title>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def chinese_text(department, numbering):
    """The department's Chinese page, as the Chinese exports write it."""
    name = department.name_zh
    institutions = [institution[1] for institution in department.institutions]
    handlers = [institution[3] for institution in department.institutions if institution[3]][1:]
    direct = [unit[1] for unit in department.units if unit[2] == "directly-affiliated"]
    managed = [unit[1] for unit in department.units if unit[2] == "managed"]
    lines = [
        "首页 > 政府信息公开 > 机构职能",
        name,
        f"发布日期：{date_of(department)}",
        "",
        "机构职能",
        "",
        department.introduction_zh,
        "",
        *(
            numbering(number) + text
            for number, (_en, text) in enumerate(department.responsibilities, 1)
        ),
        "",
        f"{name}设下列内设机构：{'、'.join(institutions)}等，这些机构负责相关工作。"
        f"{institutions[0]}的日常工作由{'、'.join(handlers)}等承担。",
        "",
        f"{name}有{len(direct)}个直属单位，包括{'、'.join(direct[:-1])}和{direct[-1]}，"
        f"并管理{'、'.join(managed)}。",
        "",
        *(
            f"{label_zh}：{value_zh or value}"
            for _kind, _label, label_zh, value, value_zh in department.contacts
        ),
        "",
        "【打印】【关闭】",
    ]
    return "\n".join(lines) + "\n"


def write_site(folder, pages, seed):
    """``pages`` pages of ``pages // 2`` departments, a folder each; returns the count."""
    rng = random.Random(seed)
    written = 0
    for number in range(1, pages // 2 + 1):
        department = GeneratedDepartment(number, rng)
        place = folder / f"{number:03d}"
        place.mkdir(parents=True)
        if number % 3 == 0:
            (place / "index.html").write_text(english_html(department), encoding="utf-8")
        else:
            (place / "en.txt").write_text(english_text(department), encoding="utf-8")
        if number % 2:
            text = chinese_text(department, lambda n: f"（{chinese_numeral(n)}）")
        else:
            text = chinese_text(department, lambda n: f"{n}、")
        encoding = "gb18030" if number % 4 == 0 else "utf-8"
        (place / "zh.txt").write_bytes(text.encode(encoding))
        written += 2
    return written


def manage(env, *arguments, check=True):
    """Runs manage.py; returns (seconds, completed process)."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    seconds = time.perf_counter() - started
    if check and completed.returncode != 0:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{completed.stderr[-3000:]}")
    return seconds, completed


def outcomes(report):
    with report.open(encoding="utf-8-sig", newline="") as opened:
        return Counter(row["Outcome"] for row in csv.DictReader(opened))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432")
    arguments = parser.parse_args()

    env = {
        **{name: value for name, value in os.environ.items() if name != "REDIS_URL"},
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{arguments.server_url}/{DATABASE}",
        "LOG_LEVEL": "WARNING",
    }
    with tempfile.TemporaryDirectory(prefix="import-site-") as temporary:
        site = Path(temporary) / "site"
        count = write_site(site, arguments.pages, arguments.seed)
        size = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
        print(f"Site: {count} pages ({count // 2} departments), {size / 1024:.0f} kB, in {site}")
        recreate_database(arguments.server_url, DATABASE)
        try:
            manage(env, "migrate", "--verbosity", "0")
            manage(env, "load_initial_data", "--verbosity", "0")
            startup, _completed = manage(env, "import_legacy", "--help")
            runs = []
            for label in ("first import", "re-run"):
                report = Path(temporary) / f"{label.replace(' ', '-')}.csv"
                seconds, completed = manage(
                    env,
                    "import_legacy",
                    str(site),
                    "--folder-per-department",
                    "--report",
                    str(report),
                    check=False,
                )
                if completed.returncode != 0:
                    print(completed.stderr[-3000:])
                runs.append((label, seconds, outcomes(report)))
        finally:
            drop_database(arguments.server_url, DATABASE)

    print(f"Django's start (manage.py import_legacy --help): {startup:.1f} s")
    for label, seconds, counted in runs:
        shown = ", ".join(f"{number} {outcome}" for outcome, number in sorted(counted.items()))
        per_page = (seconds - startup) / count * 1000
        print(f"{label}: {seconds:.1f} s ({per_page:.0f} ms a page after the start): {shown}")
    print(f"Target: {arguments.pages} pages in under {TARGET_SECONDS} s on PostgreSQL.")


if __name__ == "__main__":
    main()
