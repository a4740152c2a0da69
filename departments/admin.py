from adminsortable2.admin import SortableAdminBase
from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from contacts.admin import ContactInline
from portal.admin import SortableTranslationInline

from .forms import InstitutionForm, InstitutionInlineFormSet
from .models import AffiliatedUnit, Department, Government, Institution, Responsibility


class ResponsibilityInline(SortableTranslationInline):
    model = Responsibility
    fields = ["text", "code"]


class InstitutionInline(SortableTranslationInline):
    model = Institution
    form = InstitutionForm
    formset = InstitutionInlineFormSet
    fields = ["name", "full_name", "routine_work_handled_by", "code"]


class AffiliatedUnitInline(SortableTranslationInline):
    model = AffiliatedUnit
    fields = ["name", "relation", "code"]


@admin.register(Department)
class DepartmentAdmin(SortableAdminBase, TabbedTranslationAdmin):
    list_display = ["name", "kind", "government", "published_at", "is_published"]
    list_filter = ["is_published", "kind", "government"]
    search_fields = ["name_en", "name_zh_hans", "slug", "introduction_en", "introduction_zh_hans"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "government", "kind"]}),
        (None, {"fields": ["introduction"]}),
        (None, {"fields": ["published_at", "is_published", "sort_order"]}),
    ]
    inlines = [ResponsibilityInline, InstitutionInline, AffiliatedUnitInline, ContactInline]

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(Government)
class GovernmentAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
