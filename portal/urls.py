import os

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from . import views

# Public pages carry their language in the path (/en/..., /zh-hans/...); a
# visit to / is redirected by LocaleMiddleware after the browser's language.
urlpatterns = [
    path(os.environ.get("ADMIN_URL", "admin/"), admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("government/", views.GovernmentView.as_view(), name="government"),
    path("display/", views.DisplaySettingsView.as_view(), name="display_settings"),
    path("government/structure/", include("departments.urls")),
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.+)$", views.serve_media),
    ]
