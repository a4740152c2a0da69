from modeltranslation.translator import TranslationOptions, register

from .models import AffiliatedUnit, Department, Government, Institution, Responsibility


@register(Government)
class GovernmentTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en", "zh-hans")


@register(Department)
class DepartmentTranslationOptions(TranslationOptions):
    fields = ("name", "introduction")
    required_languages = {"en": ("name",), "zh-hans": ("name",)}


@register(Responsibility)
class ResponsibilityTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)


@register(Institution)
class InstitutionTranslationOptions(TranslationOptions):
    fields = ("name", "full_name")
    required_languages = {"en": ("name",)}


@register(AffiliatedUnit)
class AffiliatedUnitTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
