"""URLs of sequencing progress."""

from django.urls import path

from . import views

app_name = "sequencing"

urlpatterns = [path("", views.progress, name="progress")]
