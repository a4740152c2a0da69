from adminsortable2.admin import SortableAdminBase, SortableInlineAdminMixin
from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from contacts.admin import ContactInline

from .forms import InstitutionForm, InstitutionInlineFormSet
from .models import AffiliatedUnit, Department, Government, Institution, Responsibility


class ResponsibilityInline(SortableInlineAdminMixin, TranslationTabularInline):
    model = Responsibility
    fields = ["text", "code"]
    extra = 0


class InstitutionInline(SortableInlineAdminMixin, TranslationTabularInline):
    model = Institution
    form = InstitutionForm
    formset = InstitutionInlineFormSet
    fields = ["name", "full_name", "routine_work_handled_by", "code"]
    extra = 0


class AffiliatedUnitInline(SortableInlineAdminMixin, TranslationTabularInline):
    model = AffiliatedUnit
    fields = ["name", "relation", "code"]
    extra = 0


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
