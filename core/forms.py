"""Forms that the apps' admins share."""

from django import forms

from .models import generate_code


class DepartmentChildForm(forms.ModelForm):
    """A row of a department's inline: an empty code is generated here, at validation.

    The inline formset refuses two rows with the same (department, code); were
    codes generated only when rows are saved, two new rows left empty would
    both be "" at that check and be refused as duplicates.
    """

    def clean_code(self):
        return self.cleaned_data["code"] or generate_code()
