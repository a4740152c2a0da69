"""The Content-Security-Policy (no 'unsafe-inline') blocks nothing the site itself uses.

Chromium reports every blocked script, style, image, font or connection as a
``securitypolicyviolation`` event and a console error; both are collected on every public page
in both languages and on the admin pages staff use: sign-in, the change form (translation tabs,
drag-and-drop inlines), publishing (date and time widgets), history, comparison, restore.
"""

import pytest
from reversion.models import Version

from departments.models import Department

from .conftest import LANGUAGES, PUBLIC_PAGES, STRUCTURE_PATH, open_page

LISTEN = (
    "document.addEventListener('securitypolicyviolation', e => "
    "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI))"
)
PASSWORD = "a-long-password-for-tests"


class Violations:
    """What the page reported, per address; the console is watched for the whole test."""

    def __init__(self, page):
        self.page = page
        self.found = []
        page.add_init_script(LISTEN)
        page.on("console", self.console)

    def console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.found.append(f"{self.page.url}: console: {message.text}")

    def collect(self):
        """The events of the current document (they arrive asynchronously)."""
        self.page.wait_for_timeout(150)
        for event in self.page.evaluate("window.__csp || []"):
            self.found.append(f"{self.page.url}: {event}")
        self.page.evaluate("window.__csp = []")

    def visit(self, url, status=200):
        open_page(self.page, url, status)
        self.collect()


@pytest.fixture
def watched(page):
    return Violations(page)


@pytest.fixture
def superuser(django_user_model, site_url):
    return django_user_model.objects.create_superuser("csp-admin", "csp@example.org", PASSWORD)


def sign_in(page, username, password):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state("load")


def test_public_pages_respect_the_policy(watched):
    for lang in LANGUAGES:
        for public in PUBLIC_PAGES:
            watched.visit(public.url(lang), public.status)
    assert watched.found == []


def test_admin_pages_respect_the_policy(watched, superuser):
    page = watched.page
    sign_in(page, "csp-admin", PASSWORD)
    assert page.url.endswith("/admin/"), "signing in through the form failed"
    watched.collect()

    watched.visit("/admin/departments/department/")
    department = Department.objects.drafts().get(slug="public-security")
    base = f"/admin/departments/department/{department.pk}/"
    watched.visit(base + "change/")

    # Translation tabs (jQuery UI): open the Chinese tab of the first translated field.
    tab = page.locator(".ui-tabs-nav a[lang=zh-hans]").first
    tab.click()
    watched.collect()

    # Drag-and-drop ordering (django-admin-sortable2): move the first responsibility down.
    handles = page.locator("#responsibilities-group td.original p")
    assert handles.count() >= 3
    handles.nth(0).drag_to(handles.nth(2))
    watched.collect()

    # Save (a new revision), then the pages around it.
    page.fill("#id_name_zh_hans", "浙江省公安厅（修订）")
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert page.locator(".messagelist .success").count() == 1, "saving the change form failed"
    watched.collect()

    watched.visit(base + "publish/")
    # The date and time widgets: open the calendar and the clock, pick today and now.
    page.locator(".datetimeshortcuts a").first.click()
    watched.collect()
    watched.visit(base + "history/")
    page.click("#content-main input[type=submit]")
    page.wait_for_load_state("load")
    assert "/history/compare/" in page.url
    watched.collect()
    watched.visit("/admin/departments/department/add/")
    # Adding an editor (its departments chooser is the admin's filter widget), a restore page
    # and an admin 404.
    watched.visit("/admin/auth/user/add/")
    watched.visit(base + f"history/{Version.objects.get_for_object(department).last().pk}/")
    watched.visit("/admin/departments/department/999999/change/", status=404)
    watched.visit(f"/en{STRUCTURE_PATH}preview/")
    assert watched.found == []


def test_lockout_page_respects_the_policy(watched, superuser):
    for _attempt in range(5):
        sign_in(watched.page, "csp-admin", "wrong password")
        watched.collect()
    sign_in(watched.page, "csp-admin", PASSWORD)
    assert "Too many failed sign-in attempts" in watched.page.content()
    watched.collect()
    assert watched.found == []
