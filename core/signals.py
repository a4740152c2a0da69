"""Changes of the site settings, which every public page shows."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import pages

from .models import SiteSettings


@receiver(post_save, sender=SiteSettings)
@receiver(post_delete, sender=SiteSettings)
def site_settings_changed(sender, instance, **kwargs):
    pages.announce_site_change()
