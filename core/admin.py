"""Base classes of the apps' admins (translation tabs named after their languages, sortable
translated inlines, inline rows bound to their parent), the admin's titles and the site
settings' page."""

from adminsortable2.admin import (
    CustomInlineFormSet,
    SortableInlineAdminMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from .models import SiteSettings


class ParentBoundInlineFormSet(CustomInlineFormSet):
    """Refuses a posted row id that belongs to another parent (a tampered form): 403.

    Django would only call such a row an invalid choice; a form naming another
    department's row was not made by the admin, and is answered as the forbidden request
    it is.
    """

    def clean(self):
        super().clean()
        pk_name = self.model._meta.pk.name
        posted = [form.data.get(form.add_prefix(pk_name)) for form in self.forms]
        posted = [value for value in posted if value not in (None, "")]
        if not posted:
            return
        others = self.model._default_manager.exclude(**{self.fk.name: self.instance})
        try:
            tampered = others.filter(pk__in=posted).exists()
        except (TypeError, ValueError, ValidationError):
            tampered = False
        if tampered:
            raise PermissionDenied


class LanguageTabsAdmin(TabbedTranslationAdmin):
    """modeltranslation's tabbed admin, with tabs named "English" and "简体中文" instead of
    the codes "EN" and "ZH-HANS"."""

    class Media:
        # Named with what it follows, so that Django's media merging keeps it after them.
        js = [
            "admin/js/jquery.init.js",
            "modeltranslation/js/tabbed_translation_fields.js",
            "js/admin_language_tabs.js",
        ]
        css = {"all": ["css/admin_language_tabs.css"]}


class SortableTranslationInline(SortableInlineAdminMixin, TranslationTabularInline):
    """A department's ordered, translated rows: drag to reorder, one tab per language."""

    template = SortableTabularInline.template
    formset = ParentBoundInlineFormSet
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}


class SortableTranslationStackedInline(SortableInlineAdminMixin, TranslationStackedInline):
    """Like SortableTranslationInline, one row under another: for rows with many fields,
    which a table would spread far beyond the window."""

    template = SortableStackedInline.template
    formset = ParentBoundInlineFormSet
    extra = 0
    formfield_overrides = SortableTranslationInline.formfield_overrides


admin.site.site_header = _("Departmental portal administration")
admin.site.site_title = _("Departmental portal")
admin.site.index_title = _("Content")


@admin.register(SiteSettings)
class SiteSettingsAdmin(LanguageTabsAdmin):
    list_display = ["__str__", "government", "icp_filing_number"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
