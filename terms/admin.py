from django.contrib import admin

from .models import DictionaryWord, Synonym, UnansweredQuery


@admin.register(DictionaryWord)
class DictionaryWordAdmin(admin.ModelAdmin):
    list_display = ["word", "created_at"]
    search_fields = ["word"]


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "means"]
    search_fields = ["term", "means"]


@admin.register(UnansweredQuery)
class UnansweredQueryAdmin(admin.ModelAdmin):
    """Read-only: counted by the search. Above the daily rows, the most frequent
    searches of the last 30 days, each linked to the synonyms that might answer it."""

    list_display = ["query", "language", "day", "count"]
    list_filter = ["language", "day"]
    search_fields = ["query"]
    change_list_template = "admin/terms/unansweredquery/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "most_frequent": UnansweredQuery.objects.most_frequent(days=30),
        }
        return super().changelist_view(request, extra_context)
