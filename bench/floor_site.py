"""The portal's addresses plus two that answer the measured structure page's bytes after
doing only part of the page's work, for bench/benchmark.py's "page cost, step by step":

    /bench-steps/bytes/<slug>/    no database: Django and the portal's middleware
    /bench-steps/data/<slug>/     + reading all the page shows: the live publication's
                                  document (one query, departments.lookup), no template

The real page (/en/government/structure/<slug>/) then adds the templates. Measured with the
same load, the differences say what each step costs. Never part of the portal: served only
by a gunicorn the benchmark starts with DJANGO_SETTINGS_MODULE=bench.floor_settings.
"""

import functools
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import path

from departments import lookup
from portal.urls import urlpatterns as portal_urlpatterns


@functools.cache
def page_bytes():
    # Written by benchmark.py before the servers start: the page as Django serves it.
    return (Path(settings.STATIC_ROOT) / "bench-page.html").read_bytes()


def page_response():
    return HttpResponse(page_bytes(), content_type="text/html; charset=utf-8")


def bytes_only(request, slug):
    return page_response()


def after_data(request, slug):
    # What the structure page's view reads (DepartmentDetailView.get_page), in full.
    if lookup.published(slug) is None:
        raise Http404(slug)
    return page_response()


urlpatterns = [
    path("bench-steps/bytes/<slug:slug>/", bytes_only),
    path("bench-steps/data/<slug:slug>/", after_data),
    *portal_urlpatterns,
]
