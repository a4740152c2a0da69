from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import LanguageTabsAdmin

from .models import SiteSettings

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
