from django.urls import path

from core.pages import cached_page

from . import views
from .feeds import PublishedDepartmentsFeed
from .pages import SOURCE

app_name = "departments"

urlpatterns = [
    path(
        "",
        cached_page(views.DepartmentListView.as_view(), query_parameters=["name", "page"]),
        name="department_list",
    ),
    # Before the department pages: "feed" would otherwise be read as a slug.
    path("feed/", cached_page(PublishedDepartmentsFeed()), name="feed"),
    path(
        "<slug:slug>/",
        cached_page(views.DepartmentDetailView.as_view(), page_of=SOURCE, key_kwarg="slug"),
        name="department_detail",
    ),
    path("<slug:slug>/preview/", views.DepartmentPreviewView.as_view(), name="department_preview"),
]
