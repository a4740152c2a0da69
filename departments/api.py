"""The read-only open-data API: published departments as JSON, for reuse by other sites.

``/api/v1/departments/`` lists the published departments a page at a time and
``/api/v1/departments/<slug>/`` gives every fact of one structure page; both
take ``?lang=`` (``en`` by default). ``/api/v1/openapi.json`` describes them
(see ``departments.openapi``), and ``/<lang>/api/`` explains them to people.

Only ``Department.objects.published()`` rows ever appear: drafts, withdrawn and
scheduled departments answer as if they did not exist. Every response is
JSON, in one language, open to every origin (``Access-Control-Allow-Origin:
*``); bad input (an empty value too) gets a 400 naming the parameter, never a
guess, a page after the last a 404, and every error has the shape
``{"error": {"code", "message"[, "parameter"]}}``. So does any other address
under ``/api/``, and any request Django refuses there (``portal.views``' error
handlers answer with :func:`error_response`).
"""

import functools

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from . import documents
from .images import stored_renditions
from .models import Department, DepartmentKind
from .structure_page import StructurePage

DEFAULT_LANGUAGE = settings.LANGUAGE_CODE
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
ALLOWED_METHODS = ("GET", "HEAD")
# Longest part of a rejected value that an error message repeats.
ECHO_LENGTH = 40
# The query parameters the API reads.
PARAMETERS = ("lang", "kind", "page", "page_size")

# Only what a list entry shows, in both languages (the fallback reads the English column).
SUMMARY_FIELDS = (
    "slug",
    "kind",
    "name_en",
    "name_zh_hans",
    "sort_order",
    "published_at",
    "live_from",
    "government__slug",
    "government__name_en",
    "government__name_zh_hans",
)


class ApiError(Exception):
    """An answer other than 200: HTTP status, machine-readable code, message for people."""

    def __init__(self, status, code, message, parameter=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter

    def response(self):
        error = {"code": self.code, "message": str(self.message)}
        if self.parameter:
            error["parameter"] = self.parameter
        return json_response({"error": error}, status=self.status)


def invalid_parameter(parameter, message):
    return ApiError(400, "invalid_parameter", message, parameter=parameter)


def json_response(data, status=200):
    return JsonResponse(
        data,
        status=status,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )


def api_view(view):
    """JSON errors, GET and HEAD only, and CORS for an API view.

    Messages are in the requested language when it is a valid one, else in
    English. CSRF does not apply: no API view changes anything, and every other
    method gets 405 rather than the CSRF failure page.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = answer_language(request)
        with translation.override(language):
            try:
                if request.method not in ALLOWED_METHODS:
                    raise ApiError(
                        405,
                        "method_not_allowed",
                        _("This address only answers GET and HEAD requests."),
                    )
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error.response()
        return with_api_headers(response, language)

    return wrapper


def answer_language(request):
    """The language of an answer: the requested one when it is valid, else English."""
    requested = request.GET.get("lang")
    return requested if requested in LANGUAGE_CODES else DEFAULT_LANGUAGE


def with_api_headers(response, language):
    """The headers every answer of the API carries, errors included."""
    if response.status_code == 405:
        response["Allow"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Origin"] = "*"
    response.headers.setdefault("Content-Language", language)
    return response


def is_api_request(request):
    """Whether ``request`` is addressed to the API, whose every answer is JSON, errors too."""
    return request.path_info.startswith(reverse(not_found))


def error_response(request, error, language=None):
    """An :class:`ApiError` raised outside the API's views (by a middleware or an error
    handler), answered as the views answer theirs. Its message may be lazy: it is read in
    the answer's language, ``language`` or else the requested one."""
    language = language or answer_language(request)
    with translation.override(language):
        response = error.response()
    return with_api_headers(response, language)


def refused_parameter(request, name):
    """The answer to a query parameter no query can use (``portal.middleware.
    RefuseUnstorableParametersMiddleware``): a 400 naming it when the API reads it."""
    error = invalid_parameter(
        name if name in PARAMETERS else None,
        gettext_lazy("The query string contains a character that cannot be used, such as NUL."),
    )
    return error_response(request, error)


def echo(value):
    """A rejected value as an error message repeats it: shortened, never a wall of text."""
    return value if len(value) <= ECHO_LENGTH else value[:ECHO_LENGTH] + "…"


def requested_language(request):
    """The ``lang`` parameter, validated; the default language when it is missing.

    An empty value is refused like any other value outside the document's enum: a program
    leaves out a parameter it does not want to set.
    """
    value = request.GET.get("lang", DEFAULT_LANGUAGE)
    if value not in LANGUAGE_CODES:
        raise invalid_parameter(
            "lang",
            _("Unknown language “%(value)s” for “lang”; use one of: %(choices)s.")
            % {"value": echo(value), "choices": ", ".join(LANGUAGE_CODES)},
        )
    return value


def requested_kind(request):
    """The ``kind`` parameter, validated; None (every kind) when it is missing."""
    value = request.GET.get("kind")
    if value is None:
        return None
    if value not in DepartmentKind.values:
        raise invalid_parameter(
            "kind",
            _("Unknown kind “%(value)s” for “kind”; use one of: %(choices)s.")
            % {"value": echo(value), "choices": ", ".join(DepartmentKind.values)},
        )
    return value


def requested_number(request, parameter, default, maximum=None):
    """A whole-number parameter from 1 (to ``maximum``); ``default`` when missing."""
    value = request.GET.get(parameter)
    if value is None:
        return default
    try:
        number = int(value) if value.isascii() and value.isdigit() else 0
    except ValueError:  # more digits than Python converts
        number = 0
    if number < 1 or (maximum and number > maximum):
        if maximum:
            message = _("“%(parameter)s” must be a whole number from 1 to %(maximum)s.")
        else:
            message = _("“%(parameter)s” must be a whole number of at least 1.")
        raise invalid_parameter(parameter, message % {"parameter": parameter, "maximum": maximum})
    return number


def moment(value):
    """ISO 8601 in the portal's time zone (Beijing time, +08:00), to the second."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def choice(choices, value):
    """{"code", "label"} of a TextChoices value; the label in the active language."""
    return {"code": value, "label": str(choices(value).label)}


def page_urls(request, slug):
    """The structure page in the active language, and in every language."""
    current = request.build_absolute_uri(
        reverse("departments:department_detail", kwargs={"slug": slug})
    )
    alternates = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            path = reverse("departments:department_detail", kwargs={"slug": slug})
        alternates[code] = request.build_absolute_uri(path)
    return current, alternates


def api_url(request, view, lang, **kwargs):
    return request.build_absolute_uri(f"{reverse(view, kwargs=kwargs or None)}?lang={lang}")


def department_summary(request, department, lang):
    """What a list entry says of a department; the detail starts with the same."""
    url, alternates = page_urls(request, department.slug)
    return {
        "slug": department.slug,
        "name": department.name,
        "kind": choice(DepartmentKind, department.kind),
        "government": {"slug": department.government.slug, "name": department.government.name},
        "url": url,
        "alternates": alternates,
        "api_url": api_url(request, department_detail, lang, slug=department.slug),
        "published_at": moment(department.published_at),
        "updated_at": moment(department.live_from),
    }


def page_summary(request, page, live_from, lang):
    """What a list entry says of a department, read from its ``StructurePage``."""
    url, alternates = page_urls(request, page.slug)
    return {
        "slug": page.slug,
        "name": page.name,
        "kind": {"code": page.kind, "label": page.kind_label},
        "government": {"slug": page.government_slug, "name": page.government_name},
        "url": url,
        "alternates": alternates,
        "api_url": api_url(request, department_detail, lang, slug=page.slug),
        "published_at": moment(page.published_at),
        "updated_at": moment(live_from),
    }


def absolute_srcset(request, srcset):
    """A srcset ("url 160w, url 320w") with every URL made absolute."""
    candidates = (candidate.rsplit(" ", 1) for candidate in srcset.split(", "))
    return ", ".join(
        f"{request.build_absolute_uri(url)} {descriptor}" for url, descriptor in candidates
    )


def image_data(request, image, alt):
    """The renditions the structure page shows of a document's image, or None without one."""
    if not image:
        return None
    shown = stored_renditions(image.name, image.width, image.height)
    return {
        "src": request.build_absolute_uri(shown["src"]),
        "srcset_webp": absolute_srcset(request, shown["webp_srcset"]),
        "srcset_jpeg": absolute_srcset(request, shown["jpeg_srcset"]),
        "width": shown["width"],
        "height": shown["height"],
        "alt": alt,
    }


def department_data(request, page, live_from, lang):
    """Every fact of the department's structure page (a ``StructurePage``)."""
    return {
        **page_summary(request, page, live_from, lang),
        "introduction": page.introduction,
        "emblem": image_data(request, page.emblem, page.emblem_alt),
        "responsibilities": [
            {
                "number": int(item.number),
                "anchor": f"responsibility-{item.number}",
                "code": item.code,
                "text": item.text,
            }
            for item in page.responsibilities
        ],
        "institutions": [
            {
                "number": int(item.number),
                "anchor": f"institution-{item.number}",
                "code": item.code,
                "name": item.name,
                "full_name": item.full_name,
                "routine_work_handled_by": [handler.code for handler in item.handlers],
                "handles_routine_work_of": [handled.code for handled in item.handles],
            }
            for item in page.institutions
        ],
        "affiliated_units": [
            {
                "anchor": f"unit-{unit.number}",
                "code": unit.code,
                "name": unit.name,
                "relation": {"code": unit.relation, "label": unit.relation_label},
            }
            for unit in page.units
        ],
        "directly_affiliated_count": len(page.directly_affiliated_units),
        "managed_count": len(page.managed_units),
        "leaders": [
            {
                "anchor": f"leader-{leader.number}",
                "code": leader.code,
                "name": leader.name,
                "post": leader.post,
                "duties": leader.duties,
                "biography": leader.biography,
                "photo": image_data(request, leader.photo, leader.photo_alt),
            }
            for leader in page.leaders
        ],
        "contacts": [
            {
                "anchor": f"contact-{contact.kind}-{contact.number}",
                "code": contact.code,
                "kind": {"code": contact.kind, "label": contact.kind_label},
                "label": contact.label,
                "value": contact.value,
                "href": contact.href,
            }
            for contact in page.contacts
        ],
    }


@api_view
def department_list(request):
    """The published departments in directory order, a page at a time; ``?kind=`` filters.

    Two queries whatever the page size: the count and the page.
    """
    lang = requested_language(request)
    kind = requested_kind(request)
    page_number = requested_number(request, "page", 1)
    page_size = requested_number(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    departments = Department.objects.published().select_related("government").only(*SUMMARY_FIELDS)
    if kind:
        departments = departments.filter(kind=kind)
    paginator = Paginator(departments, page_size)
    if page_number > paginator.num_pages:
        # A well-formed number that names no page: nothing is at this address (404), as
        # for a slug that names no department; ``parameter`` still says which one.
        raise ApiError(
            404,
            "not_found",
            _("There is no page %(page)s for “page”; the last page is %(last)s.")
            % {"page": page_number, "last": paginator.num_pages},
            parameter="page",
        )
    page = paginator.page(page_number)
    return json_response(
        {
            "count": paginator.count,
            "page": page.number,
            "page_size": page_size,
            "num_pages": paginator.num_pages,
            "next": page_link(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                page_link(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "lang": lang,
            "results": [department_summary(request, department, lang) for department in page],
        }
    )


def page_link(request, number):
    """This request's address with another page number."""
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@api_view
def department_detail(request, slug):
    """One published department with its structure, in a fixed number of queries."""
    lang = requested_language(request)
    publication = documents.published(slug)
    if publication is None:
        raise ApiError(
            404,
            "not_found",
            _("No published department has the slug “%(slug)s”.") % {"slug": echo(slug)},
        )
    page = StructurePage(publication.document, publication.government_names, lang)
    return json_response(
        {"lang": lang, **department_data(request, page, publication.live_from, lang)}
    )


@api_view
def openapi_json(request):
    """The OpenAPI 3.1 document that describes this API (in English)."""
    from .openapi import openapi_document

    response = json_response(openapi_document())
    response["Content-Language"] = "en"
    return response


def nothing_at_this_address():
    """The error of an address under the API that names nothing."""
    return ApiError(
        404,
        "not_found",
        gettext_lazy(
            "There is nothing at this address. The API documentation lists the addresses."
        ),
    )


def malformed_request():
    """The error of a request Django refuses to read (``handler400``): a thousand query
    parameters, a host name it does not serve."""
    return ApiError(
        400,
        "invalid_parameter",
        gettext_lazy("This request cannot be answered: its query string or headers are malformed."),
    )


@api_view
def not_found(request):
    """Any other address under the API: a JSON 404 rather than an HTML page."""
    raise nothing_at_this_address()


class ApiDocsView(TemplateView):
    """The human-readable documentation of the open-data API, in the page's language.

    Template: ``departments/api_docs.html``; context: ``list_url``,
    ``openapi_url``, ``example`` (a published :model:`departments.Department`
    or None), ``kinds`` ((code, label) of ``DepartmentKind``), ``languages``,
    ``default_page_size`` and ``max_page_size``.
    """

    template_name = "departments/api_docs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            list_url=reverse(department_list),
            openapi_url=reverse(openapi_json),
            example=Department.objects.published().only("slug").first(),
            kinds=DepartmentKind.choices,
            languages=LANGUAGE_CODES,
            default_page_size=DEFAULT_PAGE_SIZE,
            max_page_size=MAX_PAGE_SIZE,
        )
        return context
