"""Importing legacy CMS exports from the admin: upload, preview, confirm.

The preview reads the uploaded files and makes a dry run of
``departments.legacy`` (everything is written and rolled back), so it shows
exactly what confirming will do. What it read travels from the preview to the
confirmation inside a signed field (signed for this user, valid for an hour),
never stored on the server; confirming writes those pages, this time for real,
without reading the files again. A file far too large or too long to be a
structure page is refused by the upload form, before anything reads it.

A .zip archive of exports stands for the pages in it (``legacy.read_archive``, as for
the command): the preview lists each of them, and the files in it that are not pages
as skipped. An archive that cannot be imported whole (damaged, far too large once
expanded, naming files outside itself) is refused by the upload form.

The preview leaves no trace: its run is rolled back, and what a change announces
outside the database (re-rendering the published files) waits for a commit that a
rolled-back run never makes (``tests/test_import_site.py`` checks it).

``DepartmentAdmin.get_urls()`` includes ``import_urls(self)`` before its other
patterns (the admin's ``<path:object_id>/`` pattern would otherwise take
``import/`` for an object id).
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .legacy import (
    CREATED,
    UPDATED,
    ImportOptions,
    ImportRefused,
    Source,
    import_pages,
    is_archive,
    page_data,
    page_from_data,
    read_archive,
    read_source,
    refuse_oversized,
)
from .models import DepartmentKind, Government

SIGNING_SALT = "departments.admin_import"
# Pages one upload may hold. The preview imports them all (rolled back) and the
# confirmation again, each within one request, which gunicorn stops after 30 s
# (deploy/gunicorn.conf.py); a new page costs about 0.17 s to import (bench/README.md).
# A larger site is imported with manage.py import_legacy, or in parts.
MAX_UPLOAD_PAGES = 100
PREVIEW_MAX_AGE = 60 * 60
TEMPLATES = "admin/departments/department/"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.htm,.html,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] or [single(None, initial)]
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Exported pages"),
        help_text=gettext_lazy(
            "Structure pages exported from the old system, as plain text or saved HTML pages "
            "(UTF-8 or GB18030), or .zip archives of them. Choose several files at once to "
            "import several departments."
        ),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Slug"),
        required=False,
        help_text=gettext_lazy(
            "Only for pages of one department, such as its English and Chinese pages: the "
            "department with this slug is updated, or created with it. A Chinese page of a new "
            "department needs one."
        ),
    )
    government = forms.ModelChoiceField(
        Government.objects.all(),
        label=gettext_lazy("Government"),
        required=False,
        help_text=gettext_lazy("The government that new departments belong to."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of new departments"),
        choices=DepartmentKind.choices,
        initial=DepartmentKind.COMPONENT,
        required=False,
    )
    folder_per_department = forms.BooleanField(
        label=gettext_lazy("One folder per department"),
        required=False,
        help_text=gettext_lazy(
            "For an archive whose folders each hold one department's pages: a Chinese page "
            "updates the department of the English page in its folder."
        ),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish right after importing"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise the departments are imported as drafts, for a publisher to review and "
            "publish."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if Government.objects.count() < 2:
            del self.fields["government"]
        if not user.has_perm("departments.publish_department"):
            del self.fields["publish"]

    def clean_files(self):
        """The uploads as Sources (an archive's pages in its place); one far too large or
        long for a structure page, or an archive that cannot be imported whole, is refused
        here, in milliseconds, before anything decodes or reads a page. The files of an
        archive that are not pages are kept in ``skipped``."""
        sources = []
        self.skipped = []
        for upload in self.cleaned_data["files"]:
            if is_archive(upload.name):
                try:
                    found = read_archive(upload, upload.name)
                except ImportRefused as refusal:
                    raise forms.ValidationError(
                        _("%(name)s: %(problem)s")
                        % {"name": upload.name, "problem": refusal.problems[0].message},
                        code="archive_refused",
                    ) from None
                sources.extend(found.pages)
                self.skipped.extend(found.skipped)
                continue
            source = Source(upload.name, upload.read())
            try:
                refuse_oversized(source.data)
            except ImportRefused as refusal:
                raise forms.ValidationError(
                    _("%(name)s: %(problem)s")
                    % {"name": upload.name, "problem": refusal.problems[0].message},
                    code="not_a_structure_page",
                ) from None
            sources.append(source)
        if len(sources) > MAX_UPLOAD_PAGES:
            raise forms.ValidationError(
                _(
                    "These files hold %(count)s pages; the admin imports at most %(limit)s at a "
                    "time. Upload them in parts, or have them imported with the command "
                    "manage.py import_legacy."
                )
                % {"count": len(sources), "limit": MAX_UPLOAD_PAGES},
                code="too_many_pages",
            )
        return sources

    def import_settings(self):
        """What the confirmation repeats: plain values, to be signed with the files."""
        government = self.cleaned_data.get("government")
        return {
            "slug": self.cleaned_data["slug"],
            "government": government.pk if government else None,
            "kind": self.cleaned_data["kind"] or DepartmentKind.COMPONENT,
            "publish": bool(self.cleaned_data.get("publish")),
            "folder_per_department": self.cleaned_data["folder_per_department"],
        }


def may_import(user):
    """Superusers, and staff who may add departments; editors may not."""
    return user.is_active and user.is_staff and user.has_perm("departments.add_department")


def import_options(values, user, dry_run):
    government = None
    if values.get("government"):
        government = Government.objects.filter(pk=values["government"]).first()
    return ImportOptions(
        slug=values.get("slug") or "",
        government=government,
        kind=values.get("kind") or DepartmentKind.COMPONENT,
        publish=bool(values.get("publish")) and user.has_perm("departments.publish_department"),
        dry_run=dry_run,
        user=user,
        folder_per_department=bool(values.get("folder_per_department")),
    )


def salt(user):
    return f"{SIGNING_SALT}:{user.pk}"


def sign(pages, values, user):
    data = {"pages": [page_data(page) for page in pages], "settings": values}
    return signing.dumps(data, salt=salt(user), compress=True)


def unsign(payload, user):
    data = signing.loads(payload, salt=salt(user), max_age=PREVIEW_MAX_AGE)
    return [page_from_data(page) for page in data["pages"]], data["settings"]


def import_view(request, model_admin):
    if not may_import(request.user):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Import from the legacy CMS"),
    }
    if request.method == "POST" and "payload" in request.POST:
        return confirm(request, context)

    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        pages = [read_source(source) for source in form.cleaned_data["files"]]
        values = form.import_settings()
        results = import_pages(pages, import_options(values, request.user, dry_run=True))
        context.update(
            title=_("Preview of the import"),
            results=results,
            skipped=form.skipped,
            payload=sign(pages, values, request.user),
            can_confirm=any(result.status in (CREATED, UPDATED) for result in results),
        )
        return TemplateResponse(request, TEMPLATES + "import_preview.html", context)
    context["form"] = form
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, TEMPLATES + "import.html", context, status=status)


def confirm(request, context):
    try:
        pages, values = unsign(request.POST["payload"], request.user)
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        messages.error(request, _("The preview has expired; upload the files again."))
        return redirect(request.path)
    results = import_pages(pages, import_options(values, request.user, dry_run=False))
    imported = sum(result.status in (CREATED, UPDATED) for result in results)
    refused = sum(result.refused for result in results)
    if imported:
        messages.success(
            request,
            ngettext(
                "%(count)s department imported as a draft.",
                "%(count)s departments imported as drafts.",
                imported,
            )
            % {"count": imported},
        )
    if refused:
        messages.error(
            request,
            ngettext(
                "%(count)s file refused; nothing of it was imported.",
                "%(count)s files refused; nothing of them was imported.",
                refused,
            )
            % {"count": refused},
        )
    context.update(title=_("Import results"), results=results)
    return TemplateResponse(request, TEMPLATES + "import_result.html", context)


def import_urls(model_admin):
    """The import's URL patterns, for ``DepartmentAdmin.get_urls()`` (before the others)."""
    view = model_admin.admin_site.admin_view(partial(import_view, model_admin=model_admin))
    return [path("import/", view, name="departments_department_import")]
