from modeltranslation.translator import TranslationOptions, register

from .models import Contact


@register(Contact)
class ContactTranslationOptions(TranslationOptions):
    fields = ("label", "value")
    required_languages = {"en": ("value",)}
