"""The search's vocabulary, which editors extend in the admin.

``DictionaryWord``: words the Chinese segmenter must keep whole (居民身份证,
出入境): jieba's own dictionary does not know every government term. A change
announces ``vocabulary_changed`` (``terms.signals``): every process reloads its
segmenter, and the stored words of what is published are segmented again.

``Synonym``: a word citizens type, and the word of the texts it also finds.
``UnansweredQuery``: searches that found nothing, counted per day, for editors.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
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


class UnansweredQueryQuerySet(models.QuerySet):
    def record(self, text, language):
        """Counts one search for ``text`` that found nothing, today."""
        day = timezone.localdate()
        text = text[:100]
        row = {"query": text, "language": language, "day": day}
        if self.filter(**row).update(count=models.F("count") + 1):
            return
        try:
            with transaction.atomic():
                self.create(**row, count=1)
        except IntegrityError:
            # Another request counted the first one meanwhile.
            self.filter(**row).update(count=models.F("count") + 1)

    def most_frequent(self, days=30, limit=50):
        """[{query, language, total, days}, ...] of the last ``days`` days, most asked first."""
        since = timezone.localdate() - timedelta(days=days - 1)
        return (
            self.filter(day__gte=since)
            .values("query", "language")
            .annotate(total=models.Sum("count"), days=models.Count("day"))
            .order_by("-total", "query")[:limit]
        )


class UnansweredQuery(models.Model):
    """How often a search found nothing, per query, language and day: what editors
    should add terms for. Nothing about who searched is kept."""

    query = models.CharField(_("search"), max_length=100)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("times"), default=0)

    objects = UnansweredQueryQuerySet.as_manager()

    class Meta:
        verbose_name = _("unanswered search")
        verbose_name_plural = _("unanswered searches")
        ordering = ["-day", "-count", "query"]
        constraints = [
            models.UniqueConstraint(
                fields=["query", "language", "day"], name="unique_unanswered_query_day"
            )
        ]

    def __str__(self):
        return self.query
