from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from core import display, pages

        from . import checks  # noqa: F401 - registers the system checks

        # The site's own pages in portal.urls, published as files like the departments'.
        pages.register_site_pages("home", "government", "search", "display_settings", "api_docs")
        pages.register_site_pages("sitemap", "robots_txt", localized=False)
        pages.register_variant(display.display_mode)
