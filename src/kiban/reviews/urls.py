"""URLs of the review engine."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.my_reviews, name="mine"),
    path("assignments/<id:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<id:pk>/conflict/", views.conflict_declare, name="conflict-declare"),
    path("rounds/<id:pk>/", views.round_detail, name="round"),
    path("rounds/<id:pk>/assign/", views.round_assign, name="round-assign"),
    path("rounds/<id:pk>/assign-balanced/", views.round_assign_balanced, name="round-assign-balanced"),
    path("rounds/<id:pk>/close/", views.round_close, name="round-close"),
    path("rounds/<id:pk>/decide/", views.round_decide, name="round-decide"),
    path("open/<str:app_label>/<str:model_name>/<id:object_id>/", views.round_open, name="round-open"),
]
