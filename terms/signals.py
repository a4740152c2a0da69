"""A vocabulary change reaches every process and the stored words of publications.

The dictionary's version lives in the shared cache (``segmentation.VERSION_KEY``):
each process compares it with the version it loaded before it segments, and
reloads when they differ. ``vocabulary_changed`` is sent once the change has
committed; ``departments`` listens and segments the published texts again.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from . import segmentation
from .models import DictionaryWord, Synonym

vocabulary_changed = Signal()


@receiver(post_save, sender=DictionaryWord)
@receiver(post_delete, sender=DictionaryWord)
def dictionary_changed(sender, **kwargs):
    def announce():
        segmentation.new_version()
        vocabulary_changed.send(sender=DictionaryWord)

    transaction.on_commit(announce)


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_changed(sender, **kwargs):
    # Queries only: the stored words do not change.
    transaction.on_commit(segmentation.new_version)
