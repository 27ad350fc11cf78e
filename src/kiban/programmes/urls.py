"""URLs of programmes and budgets."""

from django.urls import path, re_path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views.programme_export, name="export"),
    path("<id:pk>/", views.programme_detail, name="detail"),
    path("<id:pk>/attachments/", views.programme_attach, name="attach"),
    path("budgets/<id:pk>/edit/", views.budget_change, name="budget-change"),
]
