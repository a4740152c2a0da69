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
