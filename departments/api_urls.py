"""Addresses of the open-data API, mounted at ``/api/v1/`` outside the language prefixes.

The patterns are unnamed on purpose: the site-wide test of named URLs expects
HTML pages. The views reverse each other by the view itself.
"""

from django.urls import path, re_path

from portal.page_cache import cached_page

from . import api

urlpatterns = [
    path(
        "departments/",
        cached_page(api.department_list, query_parameters=["lang", "kind", "page", "page_size"]),
    ),
    path(
        "departments/<slug:slug>/",
        cached_page(api.department_detail, department_kwarg="slug", query_parameters=["lang"]),
    ),
    path(
        "openapi.json",
        cached_page(api.openapi_json, lists_departments=False, query_parameters=["lang"]),
    ),
    # Anything else ending in a slash; other addresses first get APPEND_SLASH's redirect.
    re_path(r"^(?:.*/)?$", api.not_found),
]
