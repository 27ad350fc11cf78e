"""URLs of certification of support institutions."""

from django.urls import path

from . import views

app_name = "certification"

urlpatterns = [
    path("", views.certified_list, name="certified-list"),
    path("certificates/<id:pk>/", views.certificate_detail, name="certificate-detail"),
    path("certificates/<id:pk>/validity/", views.certificate_validity, name="certificate-validity"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_start, name="application-start"),
    path("applications/<id:pk>/", views.application_detail, name="application-detail"),
    path("applications/<id:pk>/requirements/", views.application_statements, name="application-statements"),
    path("applications/<id:pk>/functions/", views.application_functions, name="application-functions"),
    path("applications/<id:pk>/staff/", views.application_staff, name="application-staff"),
    path("applications/<id:pk>/staff/<id:member_pk>/remove/", views.staff_remove, name="staff-remove"),
    path("applications/<id:pk>/outcomes/", views.application_outcomes, name="application-outcomes"),
    path("applications/<id:pk>/training/", views.application_training, name="application-training"),
    path(
        "applications/<id:pk>/training/<id:record_pk>/remove/",
        views.training_remove,
        name="training-remove",
    ),
    path("applications/<id:pk>/attachments/", views.application_attach, name="application-attach"),
    path("applications/<id:pk>/submit/", views.application_submit, name="application-submit"),
    path("applications/<id:pk>/return/", views.application_return, name="application-return"),
    path("applications/<id:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("calls/", views.call_list, name="call-list"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<id:pk>/", views.call_detail, name="call-detail"),
]
