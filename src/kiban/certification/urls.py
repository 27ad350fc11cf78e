"""URLs of certification of support institutions."""

from django.urls import path

from . import views

app_name = "certification"

urlpatterns = [
    path("", views.certified_list, name="certified-list"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate-detail"),
    path("certificates/<int:pk>/validity/", views.certificate_validity, name="certificate-validity"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_start, name="application-start"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/requirements/", views.application_statements, name="application-statements"),
    path("applications/<int:pk>/functions/", views.application_functions, name="application-functions"),
    path("applications/<int:pk>/staff/", views.application_staff, name="application-staff"),
    path("applications/<int:pk>/staff/<int:member_pk>/remove/", views.staff_remove, name="staff-remove"),
    path("applications/<int:pk>/outcomes/", views.application_outcomes, name="application-outcomes"),
    path("applications/<int:pk>/training/", views.application_training, name="application-training"),
    path(
        "applications/<int:pk>/training/<int:record_pk>/remove/",
        views.training_remove,
        name="training-remove",
    ),
    path("applications/<int:pk>/attachments/", views.application_attach, name="application-attach"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application-submit"),
    path("applications/<int:pk>/return/", views.application_return, name="application-return"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("calls/", views.call_list, name="call-list"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
]
