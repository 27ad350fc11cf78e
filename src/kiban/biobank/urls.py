"""URLs of the biobank cross-search's pages."""

from django.urls import path

from . import views

app_name = "biobank"

urlpatterns = [
    path("", views.search, name="search"),
    path("save/", views.save, name="save"),
    path("association/", views.association, name="association"),
    path("saved/", views.saved_list, name="saved"),
    path("saved/<id:pk>/", views.saved_run, name="saved-run"),
    path("saved/<id:pk>/delete/", views.saved_delete, name="saved-delete"),
]
