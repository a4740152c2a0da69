from django.views.generic import ListView, TemplateView

from departments.models import Government


class HomeView(TemplateView):
    """The portal's home page, leading to the government structure.

    Template: ``portal/home.html``.
    """

    template_name = "portal/home.html"


class GovernmentView(ListView):
    """The governments whose departments the portal publishes.

    Template: ``portal/government.html``; context: ``governments``, each with
    ``department_count`` of its published departments.
    """

    template_name = "portal/government.html"
    context_object_name = "governments"

    def get_queryset(self):
        return Government.objects.with_published_department_count()
