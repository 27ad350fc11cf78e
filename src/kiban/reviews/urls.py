"""URLs of the review engine."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.my_reviews, name="mine"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/conflict/", views.conflict_declare, name="conflict-declare"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/assign/", views.round_assign, name="round-assign"),
    path("rounds/<int:pk>/assign-balanced/", views.round_assign_balanced, name="round-assign-balanced"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("rounds/<int:pk>/decide/", views.round_decide, name="round-decide"),
    path("open/<str:app_label>/<str:model_name>/<int:object_id>/", views.round_open, name="round-open"),
]
