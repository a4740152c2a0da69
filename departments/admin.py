import reversion
from adminsortable2.admin import SortableAdminBase
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import date as date_filter
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.admin import VersionAdmin
from reversion.models import Version

from contacts.admin import ContactInline
from core.admin import (
    LanguageTabsAdmin,
    SortableTranslationInline,
    SortableTranslationStackedInline,
)

from . import admin_staff, revisions, services  # noqa: F401 (admin_staff: the User admin)
from .admin_import import import_urls
from .comparison import compare_versions
from .forms import (
    DepartmentChildForm,
    DepartmentForm,
    InstitutionForm,
    InstitutionInlineFormSet,
    PublishForm,
)
from .images import CleanImageFormField
from .models import (
    AffiliatedUnit,
    Department,
    Government,
    Institution,
    Leader,
    PublicationState,
    Responsibility,
)
from .widgets import ImageWithThumbnailWidget

# Uploads are cleaned (images.CleanImageFormField) and shown as a thumbnail once stored.
IMAGE_FIELD = {"form_class": CleanImageFormField, "widget": ImageWithThumbnailWidget}

# Before DepartmentAdmin exists: VersionAdmin would register the models itself.
revisions.register()


class ResponsibilityInline(SortableTranslationInline):
    model = Responsibility
    form = DepartmentChildForm
    fields = ["text", "search_terms", "code"]


class InstitutionInline(SortableTranslationInline):
    model = Institution
    form = InstitutionForm
    formset = InstitutionInlineFormSet
    fields = [
        "name",
        "full_name",
        "routine_work_handled_by",
        "routine_work_handlers_not_exhaustive",
        "code",
    ]


class AffiliatedUnitInline(SortableTranslationInline):
    model = AffiliatedUnit
    form = DepartmentChildForm
    fields = ["name", "relation", "code"]


class LeaderInline(SortableTranslationStackedInline):
    model = Leader
    form = DepartmentChildForm
    formfield_overrides = {
        **SortableTranslationStackedInline.formfield_overrides,
        models.ImageField: IMAGE_FIELD,
    }
    fields = ["name", "post", "duties", "biography", "photo", "photo_alt", "code"]


class PublicationStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("publication state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return PublicationState.choices

    def queryset(self, request, queryset):
        if self.value() not in PublicationState.values:
            return queryset
        wanted = {
            department.pk for department in queryset if department.publication_state == self.value()
        }
        return queryset.filter(pk__in=wanted)


@admin.register(Department)
class DepartmentAdmin(SortableAdminBase, VersionAdmin, LanguageTabsAdmin):
    """Drafts of the departments the user is assigned to (all of them for superusers).

    Saving changes the draft; publishers publish, schedule or withdraw it from
    the change page. Another department's URLs answer 404, whatever the path.
    """

    form = DepartmentForm
    list_display = ["name", "kind", "government", "state_label", "publication_date"]
    list_filter = [PublicationStateFilter, "kind", "government"]
    search_fields = ["name_en", "name_zh_hans", "slug", "introduction_en", "introduction_zh_hans"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["editors"]
    inlines = [
        ResponsibilityInline,
        InstitutionInline,
        AffiliatedUnitInline,
        LeaderInline,
        ContactInline,
    ]
    object_history_template = "admin/departments/department/object_history.html"
    revision_form_template = "admin/departments/department/revision_form.html"
    change_list_template = "admin/departments/department/change_list.html"

    fieldsets = [
        (None, {"fields": ["name", "slug", "government", "kind"]}),
        (None, {"fields": ["introduction"]}),
        (gettext_lazy("Emblem"), {"fields": ["emblem", "emblem_alt"]}),
        (
            gettext_lazy("Lists that name only some of their items"),
            {
                "fields": [
                    "institutions_not_exhaustive",
                    "directly_affiliated_units_not_exhaustive",
                    "managed_units_not_exhaustive",
                ]
            },
        ),
        (
            None,
            {
                "fields": ["publication_date", "sort_order"],
                "description": gettext_lazy(
                    "The publication date is the date the public page shows. Publishing sets "
                    "it to the moment the publication goes live, unless the publisher keeps "
                    "the date."
                ),
            },
        ),
        (gettext_lazy("Who may edit"), {"fields": ["editors"]}),
    ]
    readonly_fields = ["publication_date"]
    formfield_overrides = {models.ImageField: IMAGE_FIELD}

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-inline-order.js", "js/admin-unsaved-changes.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only superusers assign departments to staff.
        return [
            (name, options) for name, options in fieldsets if "editors" not in options["fields"]
        ]

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude if request.user.is_superuser else [*exclude, "editors"]

    # Access: every view goes through get_queryset, and a department outside
    # it is answered with 404 rather than the admin's redirect to the index.

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user).with_publication_state()

    def get_accessible_object(self, request, object_id):
        department = self.get_object(request, object_id)
        if department is None:
            raise Http404(_("This department does not exist or is not assigned to you."))
        return department

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_edit(request, obj))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.may_edit(request, obj))

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_publish_permission(self, request, obj):
        user = request.user
        return user.has_perm("departments.publish_department") and self.may_edit(request, obj)

    def may_edit(self, request, obj):
        return Department.objects.editable_by(request.user).filter(pk=obj.pk).exists()

    def changelist_view(self, request, extra_context=None):
        user = request.user
        context = {
            # An editor whose list is empty because nobody assigned them a department yet.
            "no_department_assigned": not user.is_superuser
            and not Department.objects.editable_by(user).exists(),
            # The way to add editors and publishers, where an administrator looks for it.
            "can_add_staff": user.has_perm("auth.add_user"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        department = self.get_accessible_object(request, object_id)
        context = {
            "publication_state": department.publication_state,
            "publication_state_label": PublicationState(department.publication_state).label,
            "scheduled_from": department.scheduled_from,
            "can_publish": self.has_publish_permission(request, department),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def render_change_form(self, request, context, *args, **kwargs):
        # Texts of the change form's scripts (static/js/admin-*.js), in the editor's language.
        context["change_form_messages"] = {
            "moveUp": _("Move up"),
            "moveDown": _("Move down"),
            "moved": {
                inline.formset.prefix: _("%(name)s %(old)s moved to position %(new)s.")
                % {"name": capfirst(inline.opts.verbose_name), "old": "{old}", "new": "{new}"}
                for inline in context.get("inline_admin_formsets", [])
            },
            "unsavedPublish": _(
                "This form has unsaved changes, and Publish publishes the saved draft. "
                "Save first, or use “Save and publish”."
            ),
        }
        return super().render_change_form(request, context, *args, **kwargs)

    def delete_view(self, request, object_id, extra_context=None):
        self.get_accessible_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        department = self.get_accessible_object(request, object_id)
        versions = Version.objects.get_for_object(department).select_related("revision__user")
        return super().history_view(
            request, object_id, {"versions": versions, **(extra_context or {})}
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        department = self.get_accessible_object(request, object_id)
        withdrawn_at = department.withdrawn_at
        may_cancel = self.has_publish_permission(request, department)
        context = {
            "title": _("Restore a revision of %(name)s") % {"name": department},
            # A scheduled publication would go live over the restored draft: say so, and let
            # publishers cancel it.
            "scheduled_from": department.scheduled_from,
            "can_cancel_scheduled_publication": may_cancel,
            **(extra_context or {}),
        }
        response = super().revision_view(request, object_id, version_id, context)
        if request.method == "POST" and response.status_code == 302:
            # Restoring brings back content only: the draft changed, and
            # whether the department is withdrawn stays as it was.
            Department.objects.filter(pk=department.pk).update(withdrawn_at=withdrawn_at)
            services.mark_changed(department)
            cancel = may_cancel and request.POST.get("cancel_scheduled_publication")
            if cancel and services.cancel_scheduled_publication(department, user=request.user):
                self.message_user(
                    request, _("The scheduled publication is canceled."), messages.SUCCESS
                )
        return response

    def response_change(self, request, obj):
        if not self.is_restoring(request):
            response = super().response_change(request, obj)
            if "_publish" in request.POST and self.has_publish_permission(request, obj):
                # Saved: now the publication of exactly what the editor saw.
                return redirect(reverse("admin:departments_department_publish", args=[obj.pk]))
            return response
        self.message_user(
            request,
            _(
                "The revision is now the draft of “%(name)s”. The public pages do not change "
                "until it is published."
            )
            % {"name": obj},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:departments_department_change", args=[obj.pk]))

    def recover_view(self, request, version_id, extra_context=None):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    # A save that changes nothing records no revision: the department is saved (and so
    # recorded by django-reversion) only when its form changed, and added to the revision
    # explicitly when only an inline changed, so that its History lists the change. A restore
    # always counts: its form shows the restored revision, so it rarely "changes".

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed() and not self.is_restoring(request):
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = form.has_changed() or any(formset.has_changed() for formset in formsets)
        if not change or changed or self.is_restoring(request):
            if reversion.is_active():
                reversion.add_to_revision(form.instance)
            services.mark_changed(form.instance)

    def log_change(self, request, obj, message):
        # Nor a "No fields changed." line in the admin's recent actions.
        if not message and not self.is_restoring(request):
            return None
        return super().log_change(request, obj, message)

    def is_restoring(self, request):
        """Whether this request is the restore page of a revision (VersionAdmin.revision_view)."""
        match = request.resolver_match
        return match is not None and match.url_name == "departments_department_revision"

    def view_on_site(self, obj):
        """The public page while a publication is live; otherwise the draft's preview, which
        staff may open (the public address would answer 404)."""
        live = Department.objects.published().filter(draft=obj).first()
        return live.get_absolute_url() if live else obj.get_preview_url()

    @admin.display(description=gettext_lazy("publication date"), ordering="live_published_at")
    def publication_date(self, obj):
        """The date the public page shows: its live publication's. Publishing sets it; nobody
        types it (the list, the change form and the page would disagree)."""
        live_published_at = getattr(obj, "live_published_at", None)
        if live_published_at is None:
            return self.get_empty_value_display()
        # As the public page writes it (portal.jinja2's date filter).
        return date_filter(timezone.template_localtime(live_published_at), "Y-m-d H:i")

    @admin.display(description=gettext_lazy("state"))
    def state_label(self, obj):
        return PublicationState(obj.publication_state).label

    # Publishing.

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        # The import page comes first: the admin's catch-all "<object_id>/" would take it.
        return (
            import_urls(self)
            + [
                path(
                    "<path:object_id>/publish/",
                    view(self.publish_view),
                    name="departments_department_publish",
                ),
                path(
                    "<path:object_id>/withdraw/",
                    view(self.withdraw_view),
                    name="departments_department_withdraw",
                ),
                path(
                    "<path:object_id>/history/compare/",
                    view(self.compare_view),
                    name="departments_department_compare",
                ),
            ]
            + super().get_urls()
        )

    def publishing_context(self, request, department, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": department,
            "title": title,
            "publication_state_label": PublicationState(department.publication_state).label,
            "scheduled_from": department.scheduled_from,
        }

    def get_publishable_object(self, request, object_id):
        department = self.get_accessible_object(request, object_id)
        if not self.has_publish_permission(request, department):
            raise PermissionDenied(
                _(
                    "You do not have permission to publish or withdraw this department: "
                    "publishers of the department do that."
                )
            )
        return department

    def publish_view(self, request, object_id):
        department = self.get_publishable_object(request, object_id)
        form = PublishForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.publish(
                    department,
                    user=request.user,
                    live_from=form.cleaned_data["live_from"],
                    update_date=form.cleaned_data["update_date"],
                )
            except services.PublishingError as error:
                form.add_error(None, ValidationError(str(error), code=error.code))
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["live_from"]:
                self.message_user(request, _("The publication is scheduled."), messages.SUCCESS)
            else:
                self.message_user(request, _("The department is published."), messages.SUCCESS)
            return redirect(reverse("admin:departments_department_change", args=[department.pk]))
        context = self.publishing_context(
            request, department, _("Publish %(name)s") % {"name": department}
        )
        context["form"] = form
        return TemplateResponse(request, "admin/departments/department/publish.html", context)

    def withdraw_view(self, request, object_id):
        department = self.get_publishable_object(request, object_id)
        if request.method == "POST":
            with transaction.atomic():
                services.withdraw(department, user=request.user)
            self.message_user(
                request, _("The department is withdrawn from the public pages."), messages.SUCCESS
            )
            return redirect(reverse("admin:departments_department_change", args=[department.pk]))
        context = self.publishing_context(
            request, department, _("Withdraw %(name)s") % {"name": department}
        )
        return TemplateResponse(request, "admin/departments/department/withdraw.html", context)

    def compare_view(self, request, object_id):
        department = self.get_accessible_object(request, object_id)
        versions = Version.objects.get_for_object(department)
        try:
            older = versions.get(pk=request.GET.get("from"))
            newer = versions.get(pk=request.GET.get("to"))
        except (Version.DoesNotExist, ValueError):
            raise Http404(_("Choose two revisions of this department to compare.")) from None
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = self.publishing_context(
            request, department, _("Changes to %(name)s") % {"name": department}
        )
        context.update(older=older, newer=newer, changes=compare_versions(older, newer))
        return TemplateResponse(request, "admin/departments/department/compare.html", context)


@admin.register(Government)
class GovernmentAdmin(LanguageTabsAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
