from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments")

    def ready(self):
        register_revisions()


def register_revisions():
    """Revisions hold a draft with every child, so restoring one brings back the inlines.

    Publication bookkeeping and the editors' assignment are left out: restoring
    an old revision must neither withdraw nor re-assign anything.
    """
    import reversion

    from contacts.models import Contact

    from .models import AffiliatedUnit, Department, Institution, Leader, Responsibility

    if reversion.is_registered(Department):
        return
    reversion.register(
        Department,
        follow=["responsibilities", "institutions", "affiliated_units", "contacts", "leaders"],
        exclude=["editors", "draft", "live_from", "content_changed_at", "withdrawn_at"],
    )
    for model in (Responsibility, Institution, AffiliatedUnit, Contact, Leader):
        reversion.register(model)
