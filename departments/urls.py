from django.urls import path

from . import views
from .feeds import PublishedDepartmentsFeed

app_name = "departments"

urlpatterns = [
    path("", views.DepartmentListView.as_view(), name="department_list"),
    # Before the department pages: "feed" would otherwise be read as a slug.
    path("feed/", PublishedDepartmentsFeed(), name="feed"),
    path("<slug:slug>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("<slug:slug>/preview/", views.DepartmentPreviewView.as_view(), name="department_preview"),
]
