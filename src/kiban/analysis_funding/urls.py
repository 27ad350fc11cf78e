"""URLs of the analysis_funding pages."""

from django.urls import path

from . import views

app_name = "analysis_funding"

urlpatterns = [
    path("", views.call_list, name="call-list"),
    path("new/", views.call_create, name="call-create"),
    path("<id:pk>/", views.call_detail, name="call-detail"),
    path("<id:pk>/settings/", views.call_settings, name="call-settings"),
    path("<id:pk>/assays/", views.assay_set, name="assay-set"),
    path("<id:pk>/assays/<id:offer_pk>/remove/", views.assay_remove, name="assay-remove"),
    path("<id:pk>/reviews/", views.reviews_open, name="reviews-open"),
    path("<id:pk>/proposals/new/", views.proposal_create, name="proposal-create"),
    path("<id:pk>/allocation/", views.allocation_page, name="allocation"),
    path("<id:pk>/allocation/compute/", views.allocation_compute, name="allocation-compute"),
    path("<id:pk>/allocation/approve/", views.allocation_approve, name="allocation-approve"),
    path("<id:pk>/allocation/publish/", views.allocation_publish, name="allocation-publish"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/<id:pk>/", views.proposal_detail, name="proposal-detail"),
    path("proposals/<id:pk>/edit/", views.proposal_edit, name="proposal-edit"),
    path("proposals/<id:pk>/submit/", views.proposal_submit, name="proposal-submit"),
    path("proposals/<id:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
]
