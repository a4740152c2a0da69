from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments")

    def ready(self):
        from . import documents, pages, revisions, signals  # noqa: F401 - connects the receivers

        revisions.register()
        pages.register()
        post_migrate.connect(documents.rebuild_after_migrate, sender=self)
