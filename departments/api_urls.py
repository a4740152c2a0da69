"""Addresses of the open-data API, mounted at ``/api/`` outside the language prefixes.

Version 1 lives under ``/api/v1/``. Every other address under ``/api/`` is the API's
too, and answers its JSON 404 (see ``api.is_api_request``); ``/api/`` itself as well,
which LocaleMiddleware then redirects to the documentation page, ``/<lang>/api/``.

The patterns are unnamed on purpose: the site-wide test of named URLs expects
HTML pages. The views reverse each other by the view itself.
"""

from django.urls import include, path, re_path

from core.pages import cached_page

from . import api
from .api_schema import LanguageQuery, ListQuery
from .pages import SOURCE

# The page cache keys each page by the parameters its query model reads.
version_1 = [
    path(
        "departments/",
        cached_page(api.department_list, query_parameters=ListQuery.model_fields),
    ),
    path(
        "departments/<slug:slug>/",
        cached_page(
            api.department_detail,
            page_of=SOURCE,
            key_kwarg="slug",
            query_parameters=LanguageQuery.model_fields,
        ),
    ),
    path(
        "openapi.json",
        # (lang: the language of its error messages)
        cached_page(api.openapi_json, lists=(), query_parameters=LanguageQuery.model_fields),
    ),
]

urlpatterns = [
    path("v1/", include(version_1)),
    # Anything else ending in a slash; other addresses first get APPEND_SLASH's redirect.
    # [\s\S] rather than ".", which does not match a newline ("/api/v1/departments/a%0Ab/").
    re_path(r"^(?:[\s\S]*/)?\Z", api.not_found),
]
