from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.core.exceptions import ValidationError

from .models import Institution, validate_handlers


class InstitutionInlineFormSet(CustomInlineFormSet):
    """Offers only the department's own institutions as handlers of routine work."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get("routine_work_handled_by")
        if field is None:
            return
        if self.instance.pk:
            field.queryset = Institution.objects.filter(department=self.instance)
        else:
            field.queryset = Institution.objects.none()


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["name", "full_name", "routine_work_handled_by", "code"]
        widgets = {"routine_work_handled_by": forms.SelectMultiple(attrs={"size": 4})}

    def clean_routine_work_handled_by(self):
        handlers = self.cleaned_data["routine_work_handled_by"]
        try:
            validate_handlers(self.instance, handlers)
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code=error.code) from None
        return handlers
