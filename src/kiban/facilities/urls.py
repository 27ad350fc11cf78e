"""URLs of shared facilities."""

from django.urls import path

from . import views

app_name = "facilities"

urlpatterns = [path("cryo-em/", views.cryo_em_network, name="cryo-em")]
