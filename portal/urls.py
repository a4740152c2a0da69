from functools import partial

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from core.pages import cached_page
from departments.api import ApiDocsView
from departments.sitemaps import SITEMAPS, sitemap
from departments.views import SearchView

from . import views

handler400 = views.bad_request
handler404 = views.page_not_found
handler403 = views.permission_denied

# Public pages are marked cached_page: whole pages in the shared cache (delivery.page_cache).
# Public pages carry their language in the path (/en/..., /zh-hans/...); a
# visit to / is redirected by LocaleMiddleware after the browser's language.
urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # For crawlers, language-neutral: the sitemap lists every language's pages.
    path("robots.txt", cached_page(views.robots_txt, lists=()), name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        cached_page(partial(sitemap, sitemaps=SITEMAPS), query_parameters=["p"]),
        name="sitemap",
    ),
    # The open-data API is language-neutral: it takes ?lang= instead of a prefix.
    path("api/", include("departments.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", cached_page(views.HomeView.as_view()), name="home"),
    path("government/", cached_page(views.GovernmentView.as_view()), name="government"),
    path(
        "display/",
        cached_page(
            views.DisplaySettingsView.as_view(),
            lists=(),
            query_parameters=["mode", "next"],
        ),
        name="display_settings",
    ),
    path("search/", cached_page(SearchView.as_view(), query_parameters=["q"]), name="search"),
    path("government/structure/", include("departments.urls")),
    path("api/", cached_page(ApiDocsView.as_view()), name="api_docs"),
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.+)$", views.serve_media),
    ]
