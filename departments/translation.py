from modeltranslation.translator import TranslationOptions, register

from .models import AffiliatedUnit, Department, Government, Institution, Leader, Responsibility


@register(Government)
class GovernmentTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en", "zh-hans")


@register(Department)
class DepartmentTranslationOptions(TranslationOptions):
    fields = ("name", "introduction", "emblem_alt")
    required_languages = {"en": ("name",), "zh-hans": ("name",)}


@register(Responsibility)
class ResponsibilityTranslationOptions(TranslationOptions):
    fields = ("text", "search_terms")
    required_languages = ("en",)


@register(Institution)
class InstitutionTranslationOptions(TranslationOptions):
    fields = ("name", "full_name")
    required_languages = {"en": ("name",)}


@register(AffiliatedUnit)
class AffiliatedUnitTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Leader)
class LeaderTranslationOptions(TranslationOptions):
    fields = ("name", "post", "duties", "biography", "photo_alt")
    required_languages = {"en": ("name", "post"), "zh-hans": ("name", "post")}
