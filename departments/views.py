from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from terms import segmentation
from terms.models import UnansweredQuery

from . import documents, lookup
from .models import Department
from .search import SearchQueryText
from .search_fallbacks import FoundBy, find
from .structure_page import StructurePage


class DepartmentListView(ListView):
    """The directory of published :model:`departments.Department`, grouped by kind.

    ``?name=`` filters by name in either language (the form works without
    JavaScript; on a directory of one page, ``portal.js`` filters as one types).
    ``?page=`` pages through a directory of more than ``paginate_by``
    departments, so the page costs the same whatever their number. Template:
    ``departments/department_list.html``; context: ``groups``, a list of
    (kind label, departments) in the order of ``DepartmentKind``, ``name``,
    ``total``, the paginator's ``page_obj`` and ``canonical_query`` (``base.html``).
    """

    context_object_name = "departments"
    paginate_by = 100

    def get_name_filter(self):
        return " ".join(self.request.GET.get("name", "").split())[:100]

    def get_queryset(self):
        return (
            Department.objects.published()
            .named_like(self.get_name_filter())
            .only("slug", "kind", "name_en", "name_zh_hans", "sort_order")
            .in_directory_order()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = Department.group_by_kind(context["departments"])
        context["name"] = self.get_name_filter()
        context["name_query"] = urlencode({"name": context["name"]}) if context["name"] else ""
        context["total"] = context["paginator"].count
        context["canonical_query"] = self.get_canonical_query(context["page_obj"])
        return context

    def get_canonical_query(self, page):
        """The query of this page's canonical address: a later page of the whole directory
        is a page of its own; a filtered directory is a view of the directory."""
        if self.get_name_filter() or page.number == 1:
            return {}
        return {"page": page.number}


class DepartmentDetailView(TemplateView):
    """The structure page of one published :model:`departments.Department`.

    Read from the live publication's document (``departments.documents``), one query.
    Template: ``departments/department_detail.html``; context: ``structure``, the
    ``StructurePage`` of the document in the page's language.
    """

    template_name = "departments/department_detail.html"
    live_from = None

    def get_page(self):
        publication = lookup.published(self.kwargs["slug"])
        if publication is None:
            raise Http404(
                _("No %(verbose_name)s found matching the query")
                % {"verbose_name": Department._meta.verbose_name}
            )
        self.live_from = publication.live_from
        self.request.site_settings = publication.site_settings
        return StructurePage(publication.document, publication.government_names)

    def get_context_data(self, **kwargs):
        return super().get_context_data(structure=self.get_page(), **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.live_from:
            response["Last-Modified"] = http_date(self.live_from.timestamp())
        return response


class DepartmentPreviewView(DepartmentDetailView):
    """The draft of a :model:`departments.Department`, exactly as publishing would show it:
    the document publishing would store, built from the draft.

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

    def get_page(self):
        draft = get_object_or_404(
            Department.objects.editable_by(self.request.user).select_related("government"),
            slug=self.kwargs["slug"],
        )
        return StructurePage(documents.build(draft), documents.text(draft.government, "name"))


class SearchView(TemplateView):
    """ "Which department handles this?": ranked hits across published departments.

    Template: ``departments/search.html``; context: ``query`` (a
    ``SearchQueryText``), ``result`` (``search_fallbacks.Result``: its hits, and
    whether they have only some of the words or are those of a close term) and,
    when no text has every word, ``close_terms`` to try. A search whose every word no text has
    is counted (:model:`terms.UnansweredQuery`). Empty, punctuation-only and
    over-long queries answer 200 with advice rather than an error.
    """

    template_name = "departments/search.html"

    def get_context_data(self, **kwargs):
        query = SearchQueryText.parse(self.request.GET.get("q", ""))
        result = find(query)
        unanswered = not query.problem and (
            not result.hits or result.found_by != FoundBy.EVERY_WORD
        )
        return super().get_context_data(
            query=query,
            result=result,
            hits=result.hits,
            unanswered=unanswered,
            close_terms=[
                term
                for term in (segmentation.close_terms(query.text) if unanswered else [])
                if term != result.searched.text
            ],
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["unanswered"]:
            query = response.context_data["query"]
            UnansweredQuery.objects.record(query.text, query.language)
            # Every such search reaches this view to be counted: none from a cache.
            add_never_cache_headers(response)
        return response
