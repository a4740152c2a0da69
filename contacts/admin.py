from adminsortable2.admin import SortableInlineAdminMixin
from modeltranslation.admin import TranslationTabularInline

from .models import Contact


class ContactInline(SortableInlineAdminMixin, TranslationTabularInline):
    """Edited on the department's change page, like everything else on its page."""

    model = Contact
    fields = ["kind", "label", "value", "code"]
    extra = 0
