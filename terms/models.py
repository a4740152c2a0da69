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


class Synonym(models.Model):
    """A word citizens use, and the word of the published texts a search for it also finds.

    One way: a search for 社保 also finds 社会保险, not the reverse. Either language;
    the script of the word tells which.
    """

    term = models.CharField(
        _("what citizens type"), max_length=100, help_text=_("E.g. 社保, or pension.")
    )
    means = models.CharField(
        _("also search for"),
        max_length=100,
        help_text=_("The word of the published texts, e.g. 社会保险, or old-age insurance."),
    )

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["term", "means"]
        constraints = [models.UniqueConstraint(fields=["term", "means"], name="unique_synonym")]

    def __str__(self):
        return f"{self.term} → {self.means}"
