"""URLs of the genome reference panel's pages."""

from django.urls import path

from . import views

app_name = "genome"

urlpatterns = [
    path("", views.dataset_list, name="datasets"),
    path("<str:dataset_id>/", views.dataset_detail, name="dataset"),
    path("<str:dataset_id>/search/", views.search, name="search"),
    path("<str:dataset_id>/variant/<str:variant_id>/", views.variant_detail, name="variant"),
    path("<str:dataset_id>/rsid/<str:rsid>/", views.rsid_detail, name="rsid"),
    path("<str:dataset_id>/region/", views.region_table, name="region"),
    path("<str:dataset_id>/gene/<str:symbol>/", views.gene_table, name="gene"),
]
