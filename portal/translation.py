from modeltranslation.translator import TranslationOptions, register

from .models import SiteSettings


@register(SiteSettings)
class SiteSettingsTranslationOptions(TranslationOptions):
    fields = ("site_name", "footer_text")
    required_languages = {"en": ("site_name",), "zh-hans": ("site_name",)}
