"""The Chinese words search finds a published item by, stored on its row.

Publishing writes them (``with_search_words``) on the copies it makes; a change of
the search's dictionary (``terms.signals.vocabulary_changed``) has every
publication segmented again (``segment_publications``, a task). Drafts keep
none: the search reads publications only.
"""

from django.db import transaction
from django_tasks import task

from terms import segmentation

from .models import AffiliatedUnit, Department, Institution, Responsibility

# The Chinese fields whose words are stored, per model.
SEGMENTED = {
    Department: ["name_zh_hans", "introduction_zh_hans"],
    Responsibility: ["text_zh_hans", "search_terms_zh_hans"],
    Institution: ["name_zh_hans", "full_name_zh_hans"],
    AffiliatedUnit: ["name_zh_hans"],
}
BATCH = 500


def words_of(instance):
    texts = [getattr(instance, name) or "" for name in SEGMENTED[type(instance)]]
    return segmentation.indexed_words(*texts)


def with_search_words(instances):
    """The instances, with ``search_words`` written on those search reads."""
    for instance in instances:
        if type(instance) in SEGMENTED:
            instance.search_words = words_of(instance)
    return instances


def publication_rows(model):
    if model is Department:
        return model.objects.filter(draft__isnull=False)
    return model.objects.filter(department__draft__isnull=False)


@task()
def segment_publications():
    """Segments every published item again; returns how many rows changed."""
    changed = 0
    for model, fields in SEGMENTED.items():
        rows = publication_rows(model).only("pk", "search_words", *fields).order_by("pk")
        pending = []
        for row in rows.iterator(chunk_size=BATCH):
            words = words_of(row)
            if words != row.search_words:
                row.search_words = words
                pending.append(row)
            if len(pending) >= BATCH:
                changed += flush(model, pending)
        changed += flush(model, pending)
    return changed


def flush(model, rows):
    count = len(rows)
    if rows:
        with transaction.atomic():
            model.objects.bulk_update(rows, ["search_words"])
        rows.clear()
    return count


def vocabulary_changed(sender, **kwargs):
    segment_publications.enqueue()
