"""Changes that reach the public pages without going through departments.services."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal import page_cache, static_publishing
from portal.models import SiteSettings

from .models import Department, Government


@receiver(post_delete, sender=Department)
def department_deleted(sender, instance, **kwargs):
    # Publishing deletes superseded publications, and deleting a draft deletes its
    # publications: their pages (and lists naming them) must not be served from a cache.
    page_cache.invalidate(page_cache.DEPARTMENTS, page_cache.department_topic(instance.slug))
    if instance.is_draft:
        static_publishing.refresh_on_commit([instance.slug])


@receiver(post_save, sender=Government)
@receiver(post_delete, sender=Government)
@receiver(post_save, sender=SiteSettings)
@receiver(post_delete, sender=SiteSettings)
def site_changed(sender, instance, raw=False, **kwargs):
    # The site's name, footer and the government's name are on every page.
    page_cache.invalidate(page_cache.SITE)
    if not raw:
        static_publishing.refresh_on_commit(everything=True)
