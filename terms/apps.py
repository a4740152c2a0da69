from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TermsConfig(AppConfig):
    name = "terms"
    verbose_name = _("Search vocabulary")

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
