"""Changes that reach the public pages without going through departments.services."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from core import pages

from .models import Department, Government
from .pages import SOURCE


@receiver(pre_delete, sender=Department)
def department_deleted(sender, instance, **kwargs):
    # Deleting a draft deletes its publications, whose addresses may be older slugs; their
    # pages (and the lists naming them) go with it. Publications deleted on their own
    # are deleted by departments.services, which announces what changed.
    if instance.is_draft:
        slugs = {instance.slug, *instance.publications.values_list("slug", flat=True)}
        pages.announce_change(SOURCE, slugs)


@receiver(post_save, sender=Government)
@receiver(post_delete, sender=Government)
def government_changed(sender, instance, **kwargs):
    # A government's name is on every page (the site is named after one).
    pages.announce_site_change()
