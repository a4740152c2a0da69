from departments.forms import DepartmentChildForm
from portal.admin import SortableTranslationInline

from .models import Contact


class ContactInline(SortableTranslationInline):
    """Edited on the department's change page, like everything else on its page."""

    model = Contact
    form = DepartmentChildForm
    fields = ["kind", "label", "value", "code"]
