"""URLs of the biobank_access pages (mounted at /biobank/requests/)."""

from django.urls import path

from . import views

app_name = "biobank_access"

urlpatterns = [
    path("", views.request_list, name="request-list"),
    path("new/", views.request_new, name="request-new"),
    path("desk/", views.desk, name="desk"),
    path("<id:pk>/", views.request_detail, name="request-detail"),
    path("<id:pk>/edit/", views.request_edit, name="request-edit"),
    path("<id:pk>/document/", views.request_document, name="request-document"),
    path("<id:pk>/submit/", views.request_submit, name="request-submit"),
    path("<id:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("parts/<id:pk>/", views.part_detail, name="part-detail"),
    path("parts/<id:pk>/steps/<slug:step>/", views.part_step, name="part-step"),
    path("parts/<id:pk>/agreements/", views.part_agreement_send, name="part-agreement-send"),
    path(
        "parts/<id:pk>/agreements/<id:agreement_id>/signed/",
        views.part_agreement_sign,
        name="part-agreement-sign",
    ),
    path("parts/<id:pk>/note/", views.part_note, name="part-note"),
    path("parts/<id:pk>/messages/", views.part_message, name="part-message"),
]
