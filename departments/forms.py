from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ParentBoundInlineFormSet
from core.forms import DepartmentChildForm

from .models import Department, Institution, validate_handlers


class DepartmentForm(forms.ModelForm):
    """The admin's department form: one department per address."""

    class Meta:
        model = Department
        # The admin adds the other fields of its fieldsets.
        fields = ["slug"]

    def clean_slug(self):
        """Refuse a slug that another department's draft, or its publication, uses.

        The drafts' unique constraint is conditional (``unique_draft_slug``), so
        Django's own unique validation skips it; without this the save would
        fail in the database. A publication keeps the address it was published
        at until its department is published again or withdrawn (see
        ``services.publish``), so that address is not free either, except to
        the department itself.
        """
        slug = self.cleaned_data["slug"]
        draft = Department.objects.drafts().filter(slug=slug).exclude(pk=self.instance.pk).first()
        if draft is not None:
            raise forms.ValidationError(
                _("“%(slug)s” is already the address of %(department)s.")
                % {"slug": slug, "department": draft.name},
                code="slug_taken",
            )
        if self.instance.pk is None or "slug" in self.changed_data:
            holder = (
                Department.objects.holding_address(slug, other_than=self.instance.pk)
                .order_by("live_from")
                .first()
            )
            if holder is not None:
                raise forms.ValidationError(
                    _(
                        "“%(slug)s” is still the address of %(department)s, whose publication "
                        "uses it until it is published at its new address or withdrawn."
                    )
                    % {"slug": slug, "department": holder.name},
                    code="address_taken",
                )
        return slug


class InstitutionInlineFormSet(ParentBoundInlineFormSet):
    """Offers only the department's other institutions as handlers of routine work."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get("routine_work_handled_by")
        if field is None:
            return
        if self.instance.pk:
            # Never the row's own institution: it cannot handle its own routine work.
            field.queryset = Institution.objects.filter(department=self.instance).exclude(
                pk=form.instance.pk
            )
        else:
            field.queryset = Institution.objects.none()


class InstitutionForm(DepartmentChildForm):
    class Meta:
        model = Institution
        fields = [
            "name",
            "full_name",
            "routine_work_handled_by",
            "routine_work_handlers_not_exhaustive",
            "code",
        ]
        widgets = {"routine_work_handled_by": forms.SelectMultiple(attrs={"size": 4})}

    def clean_routine_work_handled_by(self):
        handlers = self.cleaned_data["routine_work_handled_by"]
        try:
            validate_handlers(self.instance, handlers)
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code=error.code) from None
        return handlers


class PublishForm(forms.Form):
    """When a publication goes live, and whether the page's date follows it."""

    live_from = forms.SplitDateTimeField(
        label=_("Go live at"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("Beijing time. Leave empty to publish now."),
    )
    update_date = forms.BooleanField(
        label=_("Show the moment it goes live as the page's date"),
        required=False,
        initial=True,
    )

    def clean_live_from(self):
        live_from = self.cleaned_data["live_from"]
        if live_from and live_from <= timezone.now():
            raise forms.ValidationError(
                _("Choose a moment in the future, or leave it empty to publish now."),
                code="in_the_past",
            )
        return live_from
