from core.admin import SortableTranslationInline
from core.forms import DepartmentChildForm

from .models import Contact


class ContactInline(SortableTranslationInline):
    """Edited on the department's change page, like everything else on its page."""

    model = Contact
    form = DepartmentChildForm
    fields = ["kind", "label", "value", "code"]
