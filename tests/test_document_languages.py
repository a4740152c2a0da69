"""A publication document's texts read in a language as modeltranslation's fields read them.

The document keeps each text as editors typed it in every language
(``documents.text``); pages read it in theirs with ``documents.in_language``, which must give
what the model's field gives in that language, fallbacks included, for every translated field.
"""

import itertools

import pytest
from django.db import models
from django.utils import translation
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from departments import documents

TRANSLATED_FIELDS = [
    (model, name)
    for model in translator.get_registered_models(abstract=False)
    for name in sorted(translator.get_options_for_model(model).fields)
]
# Each language's column filled in or left empty (blank, or NULL where the column allows it).
FILLINGS = list(itertools.product(["text", "", None], repeat=2))


def test_every_translated_field_is_text():
    # The fillings below are text; a translated file or number field needs its own.
    assert TRANSLATED_FIELDS
    for model, name in TRANSLATED_FIELDS:
        assert isinstance(model._meta.get_field(name), (models.CharField, models.TextField)), (
            model,
            name,
        )


@pytest.mark.parametrize(("model", "name"), TRANSLATED_FIELDS, ids=lambda value: str(value))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_reads_what_the_field_reads(model, name, language):
    for english, chinese in FILLINGS:
        instance = model()
        instance.__dict__[build_localized_fieldname(name, "en")] = english and f"{english} en"
        instance.__dict__[build_localized_fieldname(name, "zh-hans")] = chinese and f"{chinese} zh"
        with translation.override(language):
            expected = getattr(instance, name) or ""
            assert documents.in_language(documents.text(instance, name), language) == expected, (
                english,
                chinese,
            )
