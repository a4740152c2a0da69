"""portal.localized reads what modeltranslation's descriptor reads, for every translated field."""

import itertools

import pytest
from django.db import models
from django.utils import translation
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname, fallbacks

from portal.localized import translated

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
@pytest.mark.parametrize("with_fallbacks", [True, False])
def test_reads_what_the_descriptor_reads(model, name, language, with_fallbacks):
    for english, chinese in FILLINGS:
        instance = model()
        instance.__dict__[build_localized_fieldname(name, "en")] = english and f"{english} en"
        instance.__dict__[build_localized_fieldname(name, "zh-hans")] = chinese and f"{chinese} zh"
        with translation.override(language), fallbacks(with_fallbacks):
            assert translated(model, name)(instance) == getattr(instance, name), (english, chinese)


def test_follows_the_language_active_when_asked():
    from departments.models import Institution

    institution = Institution(name_en="Office", name_zh_hans="办公室")
    with translation.override("zh-hans"):
        chinese = translated(Institution, "name")
    with translation.override("en"):
        english = translated(Institution, "name")
        assert chinese(institution) == "办公室"
        assert english(institution) == "Office"
