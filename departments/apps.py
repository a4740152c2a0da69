from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments")

    def ready(self):
        from terms.signals import vocabulary_changed

        from . import documents, pages, revisions, search_words, signals  # noqa: F401

        vocabulary_changed.connect(search_words.vocabulary_changed)

        revisions.register()
        pages.register()
        post_migrate.connect(documents.rebuild_after_migrate, sender=self)
