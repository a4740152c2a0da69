from django.contrib.auth.views import redirect_to_login
from django.views.generic import DetailView, ListView

from .models import Department


class DepartmentListView(ListView):
    """The directory of published :model:`departments.Department`, grouped by kind.

    Template: ``departments/department_list.html``; context: ``groups``, a list
    of (kind label, departments) in the order of ``DepartmentKind``.
    """

    context_object_name = "departments"

    def get_queryset(self):
        return Department.objects.published().only(
            "slug", "kind", "name_en", "name_zh_hans", "sort_order"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = Department.group_by_kind(context["departments"])
        return context


class DepartmentDetailView(DetailView):
    """The structure page of one published :model:`departments.Department`.

    Template: ``departments/department_detail.html``; context: ``department``
    with its responsibilities, institutions, affiliated units and contacts
    prefetched.
    """

    context_object_name = "department"

    def get_queryset(self):
        return Department.objects.published().with_structure()


class DepartmentPreviewView(DepartmentDetailView):
    """The draft of a :model:`departments.Department`, exactly as publishing would show it.

    Only staff who may edit the department can open it; anonymous visitors are
    sent to the login page and other staff get a 404. Never cached.
    Template: ``departments/department_detail.html`` with ``is_preview``.
    """

    extra_context = {"is_preview": True}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_queryset(self):
        return Department.objects.editable_by(self.request.user).with_structure()
