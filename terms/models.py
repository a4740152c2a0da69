"""The search's vocabulary, which editors extend in the admin.

``DictionaryWord``: words the Chinese segmenter must keep whole (居民身份证,
出入境): jieba's own dictionary does not know every government term. A change
announces ``vocabulary_changed`` (``terms.signals``): every process reloads its
segmenter, and the stored words of what is published are segmented again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DictionaryWord(models.Model):
    """A Chinese word of the government's vocabulary, kept whole by the segmenter."""

    word = models.CharField(
        _("word"),
        max_length=40,
        unique=True,
        help_text=_("A term the search must treat as one word, e.g. 居民身份证."),
    )
    created_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        verbose_name = _("dictionary word")
        verbose_name_plural = _("dictionary words")
        ordering = ["word"]

    def __str__(self):
        return self.word

    def natural_key(self):
        return (self.word,)
