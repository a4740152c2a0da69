"""Adding editors and publishers: one page that makes a user who can sign in and edit.

Django's "Add user" asks only for a name and a password, and the admin lets nobody in
without "Staff status", which it leaves unticked and unexplained. Here the add page also
asks for the role (the Editor or Publisher group) and the departments, and a member of
either group always has staff status: an administrator who puts someone in the group means
them to sign in. Stopping someone from signing in is "Active", unticked.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Department

# The groups created by migration 0003_editor_and_publisher_groups.
EDITOR, PUBLISHER = "Editor", "Publisher"
EDITORIAL_GROUPS = (EDITOR, PUBLISHER)

STAFF_STATUS_EXPLAINED = gettext_lazy(
    "Members of the Editor and Publisher groups are given staff status when they are saved, "
    "so that they can sign in to the admin. To stop someone from signing in, untick "
    "“Active”. Departments are assigned on each department’s page, under “Who may edit”."
)


def give_editorial_members_staff_status(user):
    """Tick "Staff status" of a member of the Editor or Publisher group; True if it changed."""
    if user.is_staff or not user.groups.filter(name__in=EDITORIAL_GROUPS).exists():
        return False
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    user.is_staff = True
    return True


class StaffCreationForm(AdminUserCreationForm):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[
            (EDITOR, gettext_lazy("Editor: edits the departments chosen below")),
            (PUBLISHER, gettext_lazy("Publisher: edits and publishes them")),
            ("", gettext_lazy("Neither: set groups and permissions on the next page")),
        ],
        initial=EDITOR,
        required=False,
        widget=forms.RadioSelect,
    )
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Departments"),
        queryset=Department.objects.drafts(),
        required=False,
        widget=FilteredSelectMultiple(gettext_lazy("departments"), is_stacked=False),
        help_text=gettext_lazy(
            "The departments this person may edit (and, as a publisher, publish)."
        ),
    )


class StaffUserAdmin(UserAdmin):
    add_form = StaffCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (
            gettext_lazy("Editor or publisher"),
            {
                "fields": ("role", "departments"),
                "description": gettext_lazy(
                    "An editor or a publisher is given staff status and can sign in to the "
                    "admin as soon as they are saved, with the password above."
                ),
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name, {**options, "description": STAFF_STATUS_EXPLAINED})
            if "is_staff" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if not change and form.cleaned_data.get("role"):
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not change:
            if form.cleaned_data.get("role"):
                user.groups.add(Group.objects.get(name=form.cleaned_data["role"]))
            user.assigned_departments.add(*form.cleaned_data.get("departments", []))
        elif give_editorial_members_staff_status(user):
            self.message_user(
                request,
                _(
                    "%(user)s is in the Editor or Publisher group and was given staff status, "
                    "so that they can sign in."
                )
                % {"user": user.get_username()},
                messages.INFO,
            )


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
