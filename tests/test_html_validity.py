"""Every public page (and the 500 and 503 pages) is valid HTML, by an independent checker: the
Nu Html Checker (vnu).

The checker is the ``vnu-jar`` npm package pinned in ``package-lock.json`` (``make test``
installs it into ``node_modules/``), run with the machine's Java. Starting Java costs seconds,
so the pages are written to one folder and checked by ONE run of the checker.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.views.defaults import server_error

from departments.services import publish
from portal.views import service_unavailable
from tests.browser.conftest import LANGUAGES, PUBLIC_PAGES, STRUCTURE_PAGE

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# What vnu reports that makes a page invalid; "info" messages (its warnings) are advice.
FAILING_MESSAGE_TYPES = {"error", "non-document-error"}


def nu_html_checker():
    """The command that runs vnu, or a skip (a failure under CI=true) naming what is missing."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("Java (apt-get install -y default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR} (npm ci --ignore-scripts, which `make test` runs)")
    if missing:
        message = "The Nu Html Checker needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: CI must check the HTML, not skip it.")
        pytest.skip(message)
    return [java, "-jar", str(VNU_JAR)]


def check_html(checker, folder):
    """vnu's failing messages on the .html files of ``folder``, as "file:line: message"."""
    command = [*checker, "--format", "json", "--stdout", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"The Nu Html Checker did not answer in JSON:\n{result.stdout}{result.stderr}")
    return [
        f"{Path(message.get('url', '')).name}:{message.get('lastLine', '?')}: {message['message']}"
        for message in messages
        if message["type"] in FAILING_MESSAGE_TYPES
    ]


def save_page(client, folder, name, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    (folder / f"{name}.html").write_bytes(response.content)


def test_every_public_page_is_valid_html(seed, client, rf, tmp_path):
    checker = nu_html_checker()
    for lang in LANGUAGES:
        for page in PUBLIC_PAGES:
            save_page(client, tmp_path, f"{lang}-{page.name}", page.url(lang), page.status)
    # Published the normal way, the department's date is the moment of publishing (the
    # seed's own dates are whole minutes).
    publish(seed)
    for lang in LANGUAGES:
        name = f"{lang}-structure-published-now"
        save_page(client, tmp_path, name, STRUCTURE_PAGE.url(lang), 200)

    # The error pages, rendered without the database (and so without base.html).
    for lang in LANGUAGES:
        for status, error_view in [(500, server_error), (503, service_unavailable)]:
            with translation.override(lang):
                response = error_view(rf.get(f"/{lang}/"))
            assert response.status_code == status
            (tmp_path / f"{lang}-{status}.html").write_bytes(response.content)

    errors = check_html(checker, tmp_path)

    assert not errors, "The Nu Html Checker found errors:\n" + "\n".join(errors)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_directory_filter_form_submits_to_the_directory(seed, client, lang):
    """An empty ``action`` is invalid HTML; the filter's results are the directory's."""
    directory = f"/{lang}/government/structure/"
    page = client.get(directory + "?name=security&page=1").content.decode()

    assert re.search(rf'<form class="directory-filter" method="get" action="{directory}"', page)
