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
    path("updates/", views.updates, name="updates"),
    path("updates/example.csv", views.update_example, name="update-example"),
    path("updates/<id:pk>/", views.update_detail, name="update-detail"),
    path("updates/<id:pk>/apply/", views.update_apply, name="update-apply"),
    path("updates/<id:pk>/discard/", views.update_discard, name="update-discard"),
    path("participants/", views.timeline_open, name="timeline-open"),
    path("participants/<slug:biobank>/<str:pseudonym>/", views.timeline, name="timeline"),
]
